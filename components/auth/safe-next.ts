const BASE = "http://ensemble.invalid";

/**
 * The `?next=` target after signing in: only same-origin paths, so a crafted link cannot
 * bounce a freshly signed-in user to another site. Judged after the browser's own
 * normalisation: URL parsers drop tabs and newlines anywhere and read `\` as `/`, so
 * `/\t/evil.example/` (from `?next=/%09/evil.example/`) would otherwise become
 * `//evil.example/`, another origin. Returns the normalised path, or "/".
 */
export function safeNext(next: string | string[] | undefined | null): string {
  const value = Array.isArray(next) ? next[0] : next;
  if (!value || !value.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(value)) return "/";
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (path.startsWith("//")) return "/";
  // Sending someone back to the form they just used would look like nothing happened.
  if (path.startsWith("/sign-in") || path.startsWith("/sign-up")) return "/";
  return path;
}
