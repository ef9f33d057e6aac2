/**
 * Issue 10: `GET /api/cache/entries?sort=hits&cursor=<v:1e30>` answered 500. Every cursor the
 * listing did not hand out itself — malformed, out of the column's range, of another sort, or
 * another team's — is a 400 naming `cursor`, never a database error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaL2Store } from "@/lib/cache/prisma-l2-store";
import { createL2Admin, type ListSort } from "@/lib/cache-admin/l2-admin";
import type { Database } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { createTestDatabase, dbKind } from "../../helpers/db";
import { makeEntry, seedTeams } from "../cache/helpers";

let db: Database;
const SORTS: ListSort[] = ["lastHit", "hits", "size", "created"];
const KEY = "a".repeat(64);
const forged = (cursor: unknown) => Buffer.from(JSON.stringify(cursor)).toString("base64url");

beforeAll(async () => {
  db = await createTestDatabase();
  await seedTeams(db.prisma, "team_a", "team_b");
  const l2 = createPrismaL2Store(db.prisma, { maxEntries: 1_000, maxBytes: 1_000_000 });
  for (let i = 0; i < 3; i++) {
    await l2.put(makeEntry({ teamId: "team_a", hitCount: i, sizeBytes: 100 + i }));
    await l2.put(makeEntry({ teamId: "team_b", hitCount: i, sizeBytes: 100 + i }));
  }
});
afterAll(async () => db?.close());

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => new Error("the cursor was accepted"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe(`cache entry cursors on ${dbKind}`, () => {
  const numeric = [1e30, -1, 2 ** 31, 1.5, "1", null, Number.MAX_SAFE_INTEGER];
  const timestamps = [
    "-271821-04-20T00:00:00.000Z",
    "+275760-09-13T00:00:00.000Z",
    "0000-01-01T00:00:00.000Z",
    "not a date",
    0,
    "2026",
  ];

  for (const sort of SORTS) {
    it(`refuses malformed and out-of-range ${sort} cursors with a 400 naming cursor`, async () => {
      const admin = createL2Admin(db.prisma);
      const values = sort === "hits" || sort === "size" ? numeric : timestamps;
      const cursors = [
        "junk",
        "",
        forged(null),
        forged([]),
        forged({ s: sort }),
        forged({ s: sort, v: sort === "hits" ? 1 : new Date().toISOString(), k: "not-a-key" }),
        ...values.map((v) => forged({ s: sort, v, k: KEY })),
      ];
      for (const cursor of cursors) {
        const error = await refusal(admin.list({ teamId: "team_a", sort, limit: 1, cursor }));
        expect(error.status, cursor).toBe(400);
        expect(error.field, cursor).toBe("cursor");
      }
    });

    it(`refuses another team's (and another sort's) ${sort} cursor, and follows its own`, async () => {
      const admin = createL2Admin(db.prisma);
      const a = await admin.list({ teamId: "team_a", sort, limit: 1 });
      expect(a.nextCursor).toEqual(expect.any(String));
      const error = await refusal(
        admin.list({ teamId: "team_b", sort, limit: 1, cursor: a.nextCursor! }),
      );
      expect([error.status, error.field]).toEqual([400, "cursor"]);
      const other = SORTS.find((s) => s !== sort)!;
      const mixed = await refusal(
        admin.list({ teamId: "team_a", sort: other, limit: 1, cursor: a.nextCursor! }),
      );
      expect([mixed.status, mixed.field]).toEqual([400, "cursor"]);
      const next = await admin.list({ teamId: "team_a", sort, limit: 5, cursor: a.nextCursor! });
      expect(next.entries).toHaveLength(2);
      expect(next.entries.every((e) => e.teamId === "team_a")).toBe(true);
    });
  }
});
