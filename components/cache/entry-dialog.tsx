"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { CACHE_KEY, getEntry } from "@/lib/query/cache";
import { EntryDetails } from "./entry-details";

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
            <p className="truncate font-mono text-xs text-slate-600" title={entryKey ?? ""}>
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
            <p className="text-sm text-slate-600" role="status">
              Loading entry…
            </p>
          ) : entry.isError ? (
            <p role="alert" className="text-sm text-rose-700">
              {entry.error.message}
            </p>
          ) : e ? (
            <EntryDetails entry={e} agentName={agentName} />
          ) : null}
        </div>
      </div>
    </dialog>
  );
}
