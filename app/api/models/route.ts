import { KNOWN_MODELS } from "@/lib/agents";
import { describeDeployment, getConfig } from "@/lib/config";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route({ role: "member" }, async () =>
  Response.json({ models: KNOWN_MODELS, provider: describeDeployment(getConfig()).provider }),
);
