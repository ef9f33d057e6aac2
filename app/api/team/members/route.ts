import { listMembers } from "@/lib/auth";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route({ role: "member" }, async ({ principal, prisma }) =>
  Response.json({ members: await listMembers(prisma, principal.teamId) }),
);
