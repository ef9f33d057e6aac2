import { revokeApiKey } from "@/lib/auth";
import { API_KEY_REVOKED_CHANNEL } from "@/lib/auth/api-key-cache";
import { route } from "@/lib/http/route";
import { getRuntime } from "@/lib/runtime";

export const runtime = "nodejs";

export const DELETE = route<{ id: string }>(
  { role: "admin" },
  async ({ params, principal, prisma }) => {
    await revokeApiKey(prisma, { teamId: principal.teamId, id: params.id });
    // Other instances drop the key from their lookup cache at once.
    await (await getRuntime()).pubsub.publish(API_KEY_REVOKED_CHANNEL, params.id);
    return new Response(null, { status: 204 });
  },
);
