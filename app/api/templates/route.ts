import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { createTemplate, createTemplateSchema, listTemplates } from "@/lib/templates";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The team's saved composer templates (any member: they start runs, which members may). */
export const GET = route({ role: "member" }, async ({ principal, prisma }) =>
  Response.json({ templates: await listTemplates(prisma, { teamId: principal.teamId }) }),
);

export const POST = route({ role: "member" }, async ({ request, principal, prisma }) => {
  const input = await parseJsonBody(request, createTemplateSchema);
  const template = await createTemplate(prisma, {
    teamId: principal.teamId,
    userId: principal.kind === "user" ? principal.userId : undefined,
    input,
  });
  return Response.json(
    { template },
    { status: 201, headers: { location: `/api/templates/${template.id}` } },
  );
});
