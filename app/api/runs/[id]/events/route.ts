import { z } from "zod";
import { parseWith } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { sseResponse } from "@/lib/http/sse";
import { releasingWhenDone } from "@/lib/http/stream-quota";
import { principalId } from "@/lib/auth";
import { watchRevocation } from "@/lib/auth/revocation-watch";
import { runEventStream } from "@/lib/runs";
import { getRunRowOrThrow } from "@/lib/runs/queries";
import { getPubSub, getRunEventLog, getStreamQuota } from "@/lib/runtime";

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
    const eventLog = await getRunEventLog();
    // A key revoked (or whose creator left) while its stream is open: the stream ends too.
    const watch = await watchRevocation(await getPubSub(), principal, request.signal);
    let release: () => void;
    try {
      release = (await getStreamQuota()).open({
        teamId: principal.teamId,
        principal: principalId(principal),
      });
    } catch (error) {
      watch.close();
      throw error;
    }
    return sseResponse(
      releasingWhenDone(
        runEventStream({
          prisma,
          eventLog,
          teamId: principal.teamId,
          runId: params.id,
          afterSeq: after,
          signal: watch.signal,
        }),
        () => {
          release();
          watch.close();
        },
      ),
    );
  },
);
