"use client";

import { formatInt, formatUsd } from "@/lib/query/format";
import type { SpendRow } from "@/lib/spend/spend-view";

const HEADERS = ["Calls", "Input", "Output", "Cache write", "Cache read", "Cost", "Hits", "Saved"];

/** Spend rows of one grouping, most expensive first. */
export function SpendTable({ rows, caption }: { rows: SpendRow[]; caption: string }) {
  if (rows.length === 0) {
    return <p className="p-4 text-sm text-slate-600">No model calls in this range yet.</p>;
  }
  return (
    // Focusable, so a keyboard user can scroll a table wider than the screen.
    <div
      className="relative overflow-x-auto"
      tabIndex={0}
      role="region"
      aria-label={`${caption} (scrolls sideways)`}
    >
      <table className="w-full text-left text-sm" data-testid="spend-table">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-slate-200 text-xs uppercase text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">
              Name
            </th>
            {HEADERS.map((h) => (
              <th key={h} scope="col" className="px-3 py-2 text-right font-medium">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.group}>
              <th scope="row" className="px-3 py-2 font-medium text-slate-800">
                {r.label ?? r.group}
              </th>
              {[r.calls, r.inputTokens, r.outputTokens, r.cacheWriteTokens, r.cacheReadTokens].map(
                (n, i) => (
                  <td key={i} className="px-3 py-2 text-right tabular-nums text-slate-700">
                    {formatInt(n)}
                  </td>
                ),
              )}
              <td className="px-3 py-2 text-right font-medium tabular-nums text-slate-900">
                {formatUsd(r.costUsd)}
              </td>
              <td className="px-3 py-2 text-right tabular-nums text-slate-700">
                {formatInt(r.cacheHits)}
              </td>
              <td className="px-3 py-2 text-right tabular-nums text-emerald-700">
                {formatUsd(r.savedUsd)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
