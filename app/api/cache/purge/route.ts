import { purgeCache } from "@/lib/cache-admin/cache-admin";
import { purgeSchema } from "@/lib/cache-admin/schemas";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { getRuntime } from "@/lib/runtime";

export const runtime = "nodejs";

export const POST = route({ role: "admin" }, async ({ request, principal }) => {
  const filter = await parseJsonBody(request, purgeSchema);
  return Response.json(
    await purgeCache({ runtime: await getRuntime(), teamId: principal.teamId, filter }),
  );
});
