import "server-only";
import { AppError } from "@/lib/errors";

/**
 * Postgres text and jsonb cannot hold U+0000, and an unpaired UTF-16 surrogate (which JSON's
 * `\ud800` escapes can produce) has no UTF-8 form: the first fails the write, the second is
 * silently replaced by U+FFFD. Either, accepted at the edge, poisons whatever stores it later
 * (a batch writer retrying a row forever), so they are refused here, naming the field.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

interface Node {
  value: unknown;
  key: string | number | undefined;
  parent: Node | undefined;
}

/** The dotted path of a node, e.g. `messages.0.content` (`""` for the root). */
function pathOf(node: Node): string {
  const parts: (string | number)[] = [];
  for (let n: Node | undefined = node; n && n.key !== undefined; n = n.parent) parts.push(n.key);
  return parts.reverse().map(String).join(".");
}

/**
 * Throws a 400 naming the first string (value or object key) in `value` that Postgres cannot
 * store. Iterative, so a deeply nested body cannot overflow the stack here.
 */
export function assertStorableText(value: unknown, prefix?: string): void {
  const stack: Node[] = [{ value, key: prefix, parent: undefined }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === "string") {
      if (!isStorableText(v)) fail(pathOf(node));
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: node });
    } else if (v !== null && typeof v === "object") {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const childNode = { value: child, key, parent: node };
        if (!isStorableText(key)) fail(pathOf(childNode));
        stack.push(childNode);
      }
    }
  }
}

function fail(field: string): never {
  throw new AppError(
    "bad_request",
    `${field ? `${field}: ` : ""}text may not contain NUL (\\u0000) or unpaired surrogate characters`,
    field ? { field } : {},
  );
}
