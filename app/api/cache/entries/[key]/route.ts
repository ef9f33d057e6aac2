import { z } from "zod";
import { inspectCacheEntry } from "@/lib/cache-admin/cache-admin";
import { parseWith } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { getCacheServices } from "@/lib/runtime";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const keySchema = z.string().regex(/^[0-9a-f]{64}$/, "a 64-character hex cache key");

export const GET = route<{ key: string }>({ role: "admin" }, async ({ params, principal }) => {
  const key = parseWith(keySchema, params.key);
  return Response.json({
    entry: await inspectCacheEntry({
      runtime: { cacheServices: await getCacheServices() },
      teamId: principal.teamId,
      key,
    }),
  });
});
