import { route } from "@/lib/http/route";
import { listRunTags } from "@/lib/runs";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The tags the team's runs carry, most used first (the history's tag filter). */
export const GET = route({ role: "member" }, async ({ principal, prisma }) =>
  Response.json({ tags: await listRunTags(prisma, { teamId: principal.teamId }) }),
);
