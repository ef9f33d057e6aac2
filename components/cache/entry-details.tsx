"use client";

import { CopyButton } from "@/components/ui/copy-button";
import { RelativeTime } from "@/components/ui/relative-time";
import type { CacheEntryDetailView } from "@/lib/cache-admin/views";
import { formatBytes, formatCount, formatMs } from "@/lib/query/format";

function JsonBlock({ title, value, testId }: { title: string; value: unknown; testId: string }) {
  const text = JSON.stringify(value, null, 2) ?? "null";
  return (
    <div>
      <div className="mb-1 flex items-center justify-between">
        <h3 className="text-sm font-semibold text-slate-700">{title}</h3>
        <CopyButton text={text} label="Copy JSON" />
      </div>
      <pre
        className="max-h-80 overflow-auto rounded-lg bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100"
        data-testid={testId}
      >
        {text}
      </pre>
    </div>
  );
}

/** One entry's metadata, then its request and response as JSON. */
export function EntryDetails({
  entry: e,
  agentName,
}: {
  entry: CacheEntryDetailView;
  agentName?: string | null | undefined;
}) {
  return (
    <>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 rounded-xl border border-slate-200 bg-white p-4 text-sm sm:grid-cols-3">
        {(
          [
            ["Model", e.model],
            ["Agent", agentName ?? (e.agentId ? e.agentId : "— (gateway)")],
            ["Size", formatBytes(e.sizeBytes)],
            ["Hits", formatCount(e.hitCount)],
            ["Tokens", `${formatCount(e.inputTokens)} in · ${formatCount(e.outputTokens)} out`],
            ["Original latency", e.latencyMs === null ? "—" : formatMs(e.latencyMs)],
            ["Created", <RelativeTime key="c" iso={e.createdAt} />],
            ["Last hit", <RelativeTime key="l" iso={e.lastHitAt} />],
            ["Expires", <RelativeTime key="e" iso={e.expiresAt} fallback="never" />],
            ["Integrity", e.verified ? "HMAC verified" : "HMAC FAILED"],
            ["At rest", e.encrypted ? "encrypted" : "plain"],
          ] as const
        ).map(([label, value]) => (
          <div key={label}>
            <dt className="text-xs uppercase tracking-wide text-slate-600">{label}</dt>
            <dd className="mt-0.5 break-words">{value}</dd>
          </div>
        ))}
      </dl>
      <JsonBlock title="Request" value={e.request} testId="cache-entry-request" />
      <JsonBlock title="Response" value={e.response} testId="cache-entry-response" />
    </>
  );
}
