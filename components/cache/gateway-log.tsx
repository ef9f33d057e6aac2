"use client";

import { useQuery } from "@tanstack/react-query";
import { CACHE_KEY, getGatewayRequests } from "@/lib/query/cache";
import { GatewayLogRow } from "./gateway-log-row";

/** The most recent calls SDK clients made through /api/anthropic, and how each was served. */
export function GatewayLog() {
  const log = useQuery({
    queryKey: [...CACHE_KEY, "gateway-requests"],
    queryFn: () => getGatewayRequests(20),
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
      <p className="text-sm text-slate-600">
        Recent calls from Anthropic SDK clients through <code>/api/anthropic</code>.
      </p>
      {log.isPending ? (
        <p className="mt-3 text-sm text-slate-600">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="mt-3 text-sm text-slate-600">
          No gateway calls yet. Settings → Connect a client shows how to point an SDK here.
        </p>
      ) : (
        <div
          className="relative mt-2 overflow-x-auto"
          tabIndex={0}
          role="region"
          aria-label="Gateway requests (scrolls sideways)"
        >
          <table className="w-full text-sm">
            <thead className="text-xs uppercase tracking-wide text-slate-600">
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
                <GatewayLogRow key={r.id} request={r} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
