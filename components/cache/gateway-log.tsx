"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/lib/query/fetch-json";
import { CACHE_KEY } from "./cache-api";

interface GatewayRequestView {
  id: string;
  model: string;
  stream: boolean;
  status: number;
  cacheStatus: string | null;
  errorType: string | null;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  createdAt: string;
}

const SERVED = new Set(["hit-memory", "hit-db", "coalesced"]);

/** The most recent calls SDK clients made through /api/anthropic, and how each was served. */
export function GatewayLog() {
  const log = useQuery({
    queryKey: [...CACHE_KEY, "gateway-requests"],
    queryFn: () => fetchJson<{ requests: GatewayRequestView[] }>("/api/gateway/requests?limit=20"),
    refetchInterval: 10_000,
  });
  const rows = log.data?.requests ?? [];
  return (
    <section
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      aria-labelledby="gateway-log-heading"
      data-testid="gateway-log"
    >
      <h2 id="gateway-log-heading" className="text-sm font-semibold text-slate-800">
        Gateway requests
      </h2>
      <p className="text-sm text-slate-500">
        Recent calls from Anthropic SDK clients through <code>/api/anthropic</code>.
      </p>
      {log.isPending ? (
        <p className="mt-3 text-sm text-slate-500">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="mt-3 text-sm text-slate-500">
          No gateway calls yet. Settings → Connect a client shows how to point an SDK here.
        </p>
      ) : (
        <div className="mt-2 overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="py-1 text-left font-medium">
                  When
                </th>
                <th scope="col" className="py-1 text-left font-medium">
                  Model
                </th>
                <th scope="col" className="py-1 text-left font-medium">
                  Status
                </th>
                <th scope="col" className="py-1 text-left font-medium">
                  Cache
                </th>
                <th scope="col" className="py-1 text-right font-medium">
                  Latency
                </th>
                <th scope="col" className="py-1 text-right font-medium">
                  Tokens
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((r) => (
                <tr key={r.id} data-testid="gateway-log-row">
                  <td className="py-1.5 text-slate-600">
                    {new Date(r.createdAt).toLocaleTimeString()}
                  </td>
                  <td className="py-1.5 font-mono text-xs">
                    {r.model}
                    {r.stream ? <span className="ml-1 text-slate-400">stream</span> : null}
                  </td>
                  <td className={`py-1.5 ${r.status >= 400 ? "text-rose-700" : "text-slate-700"}`}>
                    {r.status}
                    {r.errorType ? <span className="ml-1 text-xs">{r.errorType}</span> : null}
                  </td>
                  <td className="py-1.5">
                    <span
                      className={`rounded-full px-2 py-0.5 text-xs ${
                        r.cacheStatus && SERVED.has(r.cacheStatus)
                          ? "bg-emerald-50 text-emerald-700"
                          : "bg-slate-100 text-slate-600"
                      }`}
                    >
                      {r.cacheStatus ?? "—"}
                    </span>
                  </td>
                  <td className="py-1.5 text-right tabular-nums">{r.latencyMs} ms</td>
                  <td className="py-1.5 text-right tabular-nums">
                    {r.inputTokens + r.outputTokens}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
