import { audited, auditContext } from "@/lib/audit";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { deleteRun, getRunDetail, updateRun, updateRunSchema } from "@/lib/runs";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(
  { role: "member" },
  async ({ params, principal, prisma }) =>
    Response.json({ run: await getRunDetail(prisma, { teamId: principal.teamId, id: params.id }) }),
);

/** Renames or re-tags the run (any member: title and tags are the team's shared labels). */
export const PATCH = route<{ id: string }>(
  { role: "member" },
  async ({ request, params, principal, prisma }) => {
    const input = await parseJsonBody(request, updateRunSchema);
    const run = await updateRun(prisma, { teamId: principal.teamId, id: params.id }, input);
    return Response.json({ run });
  },
);

/** Deletes a finished run and its steps: owners and admins only, and audited. */
export const DELETE = route<{ id: string }>(
  { role: "admin" },
  async ({ request, params, principal, prisma }) => {
    await audited(
      prisma,
      auditContext(request, principal),
      (tx) => deleteRun(tx, { teamId: principal.teamId, id: params.id }),
      (run) => ({ action: "run.delete", target: { kind: "run", id: run.id, label: run.title } }),
    );
    return new Response(null, { status: 204 });
  },
);
