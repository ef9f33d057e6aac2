"use client";

import { RelativeTime } from "@/components/ui/relative-time";
import type { GatewayRequestView } from "@/lib/gateway/request-log-view";
import { isServedFromCache } from "@/lib/runs/status";

/** One gateway call: when, which model, its status, how the cache served it, latency and tokens. */
export function GatewayLogRow({ request: r }: { request: GatewayRequestView }) {
  return (
    <tr data-testid="gateway-log-row">
      <td className="py-1.5 text-slate-600">
        <RelativeTime iso={r.createdAt} />
      </td>
      <td className="py-1.5 font-mono text-xs">
        {r.model}
        {r.stream ? <span className="ml-1 text-slate-600">stream</span> : null}
      </td>
      <td className={`py-1.5 ${r.status >= 400 ? "text-rose-700" : "text-slate-700"}`}>
        {r.status}
        {r.errorType ? <span className="ml-1 text-xs">{r.errorType}</span> : null}
      </td>
      <td className="py-1.5">
        <span
          className={`rounded-full px-2 py-0.5 text-xs ${
            isServedFromCache(r.cacheStatus)
              ? "bg-emerald-50 text-emerald-700"
              : "bg-slate-100 text-slate-600"
          }`}
        >
          {r.cacheStatus ?? "—"}
        </span>
      </td>
      <td className="py-1.5 text-right tabular-nums">{r.latencyMs} ms</td>
      <td className="py-1.5 text-right tabular-nums">{r.inputTokens + r.outputTokens}</td>
    </tr>
  );
}
