"use client";

import type { CacheEntryView } from "@/lib/cache-admin/views";
import { formatBytes, formatCount } from "@/lib/query/format";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { RelativeTime } from "@/components/ui/relative-time";

export const ENTRY_COLUMNS = [
  "Prompt",
  "Model · agent",
  "Hits",
  "Tokens",
  "Size",
  "Last hit",
  "Expires",
] as const;

const NUMERIC = "whitespace-nowrap px-3 py-2 text-right tabular-nums";

/** One cache entry as a table row, with Inspect and a confirmed Purge. */
export function EntryRow({
  entry: e,
  onInspect,
  onPurge,
}: {
  entry: CacheEntryView;
  onInspect: () => void;
  onPurge: () => Promise<unknown>;
}) {
  return (
    <tr data-testid="cache-entry-row" data-key={e.key} className="align-top">
      <td className="max-w-xs px-5 py-2">
        <p className="line-clamp-2 text-slate-800" title={e.preview}>
          {e.preview || <span className="text-slate-600">(no text)</span>}
        </p>
        <p className="mt-0.5 font-mono text-[11px] text-slate-600">{e.key.slice(0, 12)}…</p>
      </td>
      <td className="px-3 py-2">
        <p className="whitespace-nowrap text-slate-800">{e.model}</p>
        <p className="text-xs text-slate-600">{e.agentName ?? "gateway"}</p>
      </td>
      <td className={NUMERIC}>{formatCount(e.hitCount)}</td>
      <td className={NUMERIC}>{formatCount(e.inputTokens + e.outputTokens)}</td>
      <td className={NUMERIC}>{formatBytes(e.sizeBytes)}</td>
      <td className="whitespace-nowrap px-3 py-2 text-slate-600">
        <RelativeTime iso={e.lastHitAt} />
      </td>
      <td className="whitespace-nowrap px-3 py-2 text-slate-600">
        <RelativeTime iso={e.expiresAt} fallback="never" />
      </td>
      <td className="px-5 py-2">
        <div className="flex justify-end gap-2">
          <button
            type="button"
            onClick={onInspect}
            className="rounded-md border border-slate-200 px-2.5 py-1 text-sm text-slate-700 hover:bg-slate-50"
            aria-haspopup="dialog"
            data-testid="cache-entry-inspect"
          >
            Inspect
          </button>
          <ConfirmButton
            title="Purge this entry?"
            message="The next identical request will call the model again and store a fresh answer."
            confirmLabel="Purge entry"
            onConfirm={onPurge}
            aria-label={`Purge entry ${e.key.slice(0, 12)}`}
            testId="cache-entry-purge"
          >
            Purge
          </ConfirmButton>
        </div>
      </td>
    </tr>
  );
}
