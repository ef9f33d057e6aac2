import { z } from "zod";
import { parseWith } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { sseResponse } from "@/lib/http/sse";
import { runEventStream } from "@/lib/runs";
import { getRunRowOrThrow } from "@/lib/runs/queries";
import { getRuntime } from "@/lib/runtime";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const afterSeq = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0);

/** The run's events as SSE: from the start, or after Last-Event-ID (header, or ?lastEventId=). */
export const GET = route<{ id: string }>(
  { role: "member" },
  async ({ request, params, principal, prisma }) => {
    const url = new URL(request.url);
    const raw =
      request.headers.get("last-event-id") ?? url.searchParams.get("lastEventId") ?? undefined;
    const after = parseWith(afterSeq, raw);
    // 404 before the stream starts, so a wrong id is an HTTP error, not an empty stream.
    await getRunRowOrThrow(prisma, { teamId: principal.teamId, id: params.id });
    const { eventLog } = await getRuntime();
    return sseResponse(
      runEventStream({
        prisma,
        eventLog,
        teamId: principal.teamId,
        runId: params.id,
        afterSeq: after,
        signal: request.signal,
      }),
    );
  },
);
