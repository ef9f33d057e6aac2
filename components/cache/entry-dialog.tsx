"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import { CACHE_KEY, getEntry } from "./cache-api";
import { formatBytes, formatCount, formatDuration, formatWhen } from "./format";

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

/** A side drawer with one entry's metadata, request and response JSON. Open while `entryKey` is set. */
export function EntryDialog({
  entryKey,
  agentName,
  onClose,
}: {
  entryKey: string | null;
  /** From the list row: the detail endpoint does not name the agent. */
  agentName?: string | null | undefined;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const entry = useQuery({
    queryKey: [...CACHE_KEY, "entry", entryKey],
    queryFn: () => getEntry(entryKey ?? ""),
    enabled: entryKey !== null,
  });

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (entryKey && !el.open) el.showModal();
    if (!entryKey && el.open) el.close();
  }, [entryKey]);

  const e = entry.data?.entry;
  return (
    <dialog
      ref={dialog}
      onClose={onClose}
      aria-labelledby="entry-dialog-title"
      className="ml-auto mr-0 h-dvh max-h-none w-full max-w-2xl border-l border-slate-200 bg-slate-50 p-0 text-slate-900 shadow-2xl backdrop:bg-slate-900/40"
      data-testid="cache-entry-dialog"
    >
      <div className="flex h-full flex-col">
        <div className="flex items-start justify-between gap-3 border-b border-slate-200 bg-white px-5 py-4">
          <div className="min-w-0">
            <h2 id="entry-dialog-title" className="text-base font-semibold">
              Cache entry
            </h2>
            <p className="truncate font-mono text-xs text-slate-500" title={entryKey ?? ""}>
              {entryKey}
            </p>
          </div>
          <button
            type="button"
            onClick={() => dialog.current?.close()}
            className="rounded-md border border-slate-200 px-3 py-1.5 text-sm hover:bg-slate-50"
            data-testid="cache-entry-close"
          >
            Close
          </button>
        </div>
        <div className="flex-1 space-y-4 overflow-y-auto px-5 py-4">
          {entry.isPending ? (
            <p className="text-sm text-slate-500" role="status">
              Loading entry…
            </p>
          ) : entry.isError ? (
            <p role="alert" className="text-sm text-rose-600">
              {entry.error.message}
            </p>
          ) : e ? (
            <>
              <dl className="grid grid-cols-2 gap-x-4 gap-y-2 rounded-xl border border-slate-200 bg-white p-4 text-sm sm:grid-cols-3">
                {(
                  [
                    ["Model", e.model],
                    ["Agent", e.agentName ?? agentName ?? (e.agentId ? e.agentId : "— (gateway)")],
                    ["Size", formatBytes(e.sizeBytes)],
                    ["Hits", formatCount(e.hitCount)],
                    [
                      "Tokens",
                      `${formatCount(e.inputTokens)} in · ${formatCount(e.outputTokens)} out`,
                    ],
                    ["Original latency", e.latencyMs === null ? "—" : formatDuration(e.latencyMs)],
                    ["Created", formatWhen(e.createdAt)],
                    ["Last hit", formatWhen(e.lastHitAt)],
                    ["Expires", e.expiresAt ? formatWhen(e.expiresAt) : "never"],
                    [
                      "Integrity",
                      e.verified === undefined ? "—" : e.verified ? "HMAC verified" : "HMAC FAILED",
                    ],
                    ["At rest", e.encrypted ? "encrypted" : "plain"],
                  ] as const
                ).map(([label, value]) => (
                  <div key={label}>
                    <dt className="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
                    <dd className="mt-0.5 break-words">{value}</dd>
                  </div>
                ))}
              </dl>
              <JsonBlock title="Request" value={e.request} testId="cache-entry-request" />
              <JsonBlock title="Response" value={e.response} testId="cache-entry-response" />
            </>
          ) : null}
        </div>
      </div>
    </dialog>
  );
}
