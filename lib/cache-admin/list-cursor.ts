import { createHash } from "node:crypto";
import { AppError } from "@/lib/errors";

export type ListSort = "lastHit" | "hits" | "size" | "created";

export const TIMESTAMP_SORTS: ReadonlySet<ListSort> = new Set(["lastHit", "created"]);

/** The last row of a page: its sort value (ISO time or integer) and key. */
export interface CursorPosition {
  value: string | number;
  key: string;
}

// The sorted integer columns are Postgres `integer`; a value outside it is a database error.
const INT_MAX = 2 ** 31 - 1;
// Times as toISOString writes them, from 1970 (no cache row is older): JS and Postgres agree.
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const KEY = /^[0-9a-f]{64}$/;

/**
 * Which team a cursor was handed to. Not a secret: it only makes another team's cursor (or one
 * made up) a clear 400, like the runs list, instead of a page positioned by someone else's row.
 */
const teamTag = (teamId: string) =>
  createHash("sha256").update(teamId).digest("base64url").slice(0, 16);

/** Keyset cursor: the team, the sort, the last row's sort value and key; opaque to callers. */
export function encodeCursor(teamId: string, sort: ListSort, at: CursorPosition): string {
  const json = JSON.stringify({ t: teamTag(teamId), s: sort, v: at.value, k: at.key });
  return Buffer.from(json).toString("base64url");
}

function validValue(sort: ListSort, value: unknown): boolean {
  if (TIMESTAMP_SORTS.has(sort)) {
    return typeof value === "string" && ISO.test(value) && Date.parse(value) >= 0;
  }
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= INT_MAX;
}

/** The position a cursor of this list names, or a 400 naming `cursor` for anything else. */
export function decodeCursor(cursor: string, teamId: string, sort: ListSort): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  const c = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Record<
    string,
    unknown
  >;
  if (
    c.t !== teamTag(teamId) ||
    c.s !== sort ||
    typeof c.k !== "string" ||
    !KEY.test(c.k) ||
    !validValue(sort, c.v)
  ) {
    throw new AppError("bad_request", "invalid cursor: pass back a nextCursor of this listing", {
      field: "cursor",
    });
  }
  return { value: c.v as string | number, key: c.k };
}
