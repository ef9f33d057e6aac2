"use client";

import { useState } from "react";
import { Button, buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { errorMessage } from "@/lib/query/fetch-json";
import {
  type AuditEventView,
  type AuditFilters,
  EMPTY_AUDIT_FILTERS,
  auditExportUrl,
  useAuditLog,
} from "@/lib/query/audit";
import { AuditFiltersBar } from "./audit-filters";
import { AuditRow } from "./audit-row";

const COLUMNS = ["When", "Action", "Actor", "Target", "Details", "From"];

function ExportLinks({ filters }: { filters: AuditFilters }) {
  return (
    <div className="flex gap-2" role="group" aria-label="Export the filtered log">
      <a
        href={auditExportUrl(filters, "csv")}
        download
        className={buttonClass("secondary")}
        data-testid="audit-export-csv"
      >
        Export CSV
      </a>
      <a
        href={auditExportUrl(filters, "json")}
        download
        className={buttonClass("secondary")}
        data-testid="audit-export-json"
      >
        Export JSON
      </a>
    </div>
  );
}

function AuditTable({ events }: { events: AuditEventView[] }) {
  return (
    <div
      className="overflow-x-auto"
      tabIndex={0}
      role="region"
      aria-label="Audit records (scrolls sideways)"
    >
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Audit records, newest first</caption>
        <thead className="text-xs uppercase tracking-wide text-slate-600">
          <tr className="border-b border-slate-100">
            {COLUMNS.map((c, i) => (
              <th key={c} scope="col" className={`py-2 pr-3 font-medium ${i === 0 ? "pl-4" : ""}`}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {events.map((e) => (
            <AuditRow key={e.id} event={e} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The team's audit log for owners and admins: who did what to what, when, from where. */
export function AuditLog() {
  const [filters, setFilters] = useState<AuditFilters>(EMPTY_AUDIT_FILTERS);
  const log = useAuditLog(filters);
  const events = log.data?.pages.flatMap((p) => p.events) ?? [];

  return (
    <div className="space-y-4" data-testid="audit-log">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
          <p className="text-sm text-slate-600">
            Sign-ins, keys, members, agents, cache actions and settings changes in your team.
          </p>
        </div>
        <ExportLinks filters={filters} />
      </div>
      <Card>
        <AuditFiltersBar filters={filters} onChange={setFilters} />
        {log.isPending ? (
          <div className="space-y-2 p-4" aria-busy="true">
            <Skeleton className="h-6" />
            <Skeleton className="h-6" />
            <Skeleton className="h-6" />
          </div>
        ) : log.isError ? (
          <p role="alert" className="p-4 text-sm text-rose-700">
            {errorMessage(log.error)}
          </p>
        ) : events.length === 0 ? (
          <div className="p-4">
            <EmptyState title="No matching records" testId="audit-empty">
              Nothing in the log matches these filters.
            </EmptyState>
          </div>
        ) : (
          <AuditTable events={events} />
        )}
        {log.hasNextPage ? (
          <div className="border-t border-slate-100 p-3 text-center">
            <Button
              onClick={() => void log.fetchNextPage()}
              disabled={log.isFetchingNextPage}
              data-testid="audit-more"
            >
              {log.isFetchingNextPage ? "Loading…" : "Show older"}
            </Button>
          </div>
        ) : null}
      </Card>
    </div>
  );
}
