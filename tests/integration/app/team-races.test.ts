/**
 * Issue 10, finding 4: team invariants under concurrency, held by the database (row locks and
 * conditional updates in one transaction), not by a read-then-write in the app. Each race runs
 * 20 times; on PGlite by default, on a Postgres server when DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

const TRIALS = 20;
// Twenty rounds of concurrent sign-ups (each a scrypt hash) on a shared 2-core machine.
const RACE_TIMEOUT_MS = 300_000;
let app: AppServer;

beforeAll(async () => {
  app = await startAppServer({ RATE_LIMIT_SIGN_IN_PER_MINUTE: "100000" });
});
afterAll(async () => app?.close());

const prisma = () => app.runtime.db.prisma;
const unique = () => Math.random().toString(36).slice(2, 10);

async function twoOwners() {
  const a = new ApiClient(app.url);
  const account = await a.signUp();
  const invite = await a.post("/api/team/invites", { role: "owner" });
  const b = new ApiClient(app.url);
  await b.signUp({ invite: invite.json.invite.token });
  const members = (await a.get("/api/team/members")).json.members as {
    id: string;
    user: { id: string };
  }[];
  const idOf = (userId: string) => members.find((m) => m.user.id === userId)!.id;
  const bUser = (await b.get("/api/auth/me")).json.user.id as string;
  return { a, b, teamId: account.team.id, aId: idOf(account.user.id), bId: idOf(bUser) };
}

describe(`finding 4: races on team membership on ${dbKind}`, () => {
  it(
    `never leaves a team without an owner when two owners demote each other at once (${TRIALS} trials)`,
    async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const { a, b, teamId, aId, bId } = await twoOwners();
        const [byA, byB] = await Promise.all([
          a.patch(`/api/team/members/${bId}`, { role: "admin" }),
          b.patch(`/api/team/members/${aId}`, { role: "admin" }),
        ]);
        const owners = await prisma().membership.count({ where: { teamId, role: "owner" } });
        const label = `trial ${trial}: A→${byA.status} B→${byB.status}, ${owners} owner(s) left`;
        expect(owners, label).toBe(1);
        // Exactly one demotion happened; the other was refused (409, or 403 once demoted).
        expect(
          [byA.status, byB.status].filter((s) => s === 200),
          label,
        ).toHaveLength(1);
        for (const res of [byA, byB]) expect([200, 403, 409], label).toContain(res.status);
      }
    },
    RACE_TIMEOUT_MS,
  );

  it(
    `never removes the last owner when two owners remove each other at once (${TRIALS} trials)`,
    async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const { a, b, teamId, aId, bId } = await twoOwners();
        const [byA, byB] = await Promise.all([
          a.delete(`/api/team/members/${bId}`),
          b.delete(`/api/team/members/${aId}`),
        ]);
        const owners = await prisma().membership.count({ where: { teamId, role: "owner" } });
        expect(owners, `trial ${trial}: A→${byA.status} B→${byB.status}`).toBe(1);
      }
    },
    RACE_TIMEOUT_MS,
  );

  it(
    `lets a single-use invite join exactly one of four concurrent sign-ups (${TRIALS} trials)`,
    async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const owner = new ApiClient(app.url);
        const { team } = await owner.signUp();
        const invite = await owner.post("/api/team/invites", { role: "member" });
        const emails = Array.from({ length: 4 }, () => `race-${unique()}@example.test`);
        const answers = await Promise.all(
          emails.map((email) =>
            new ApiClient(app.url).post("/api/auth/sign-up", {
              email,
              name: "Racer",
              password: "correct horse battery",
              invite: invite.json.invite.token,
            }),
          ),
        );
        const statuses = answers.map((r) => r.status);
        const label = `trial ${trial}: ${statuses.join(",")}`;
        expect(
          statuses.filter((s) => s === 201),
          label,
        ).toHaveLength(1);
        expect(
          statuses.filter((s) => s === 422),
          label,
        ).toHaveLength(3);
        expect(await prisma().membership.count({ where: { teamId: team.id } }), label).toBe(2);
        // The refused sign-ups left no half-made accounts behind.
        expect(await prisma().user.count({ where: { email: { in: emails } } }), label).toBe(1);
      }
    },
    RACE_TIMEOUT_MS,
  );
});
