import { route } from "@/lib/http/route";
import { deleteTemplate, getTemplateOrThrow } from "@/lib/templates";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(
  { role: "member" },
  async ({ params, principal, prisma }) =>
    Response.json({
      template: await getTemplateOrThrow(prisma, { teamId: principal.teamId, id: params.id }),
    }),
);

/** Whoever saved the template, or an admin or owner. */
export const DELETE = route<{ id: string }>(
  { role: "member" },
  async ({ params, principal, prisma }) => {
    await deleteTemplate(prisma, {
      teamId: principal.teamId,
      id: params.id,
      actor: {
        role: principal.role,
        userId: principal.kind === "user" ? principal.userId : undefined,
      },
    });
    return new Response(null, { status: 204 });
  },
);
