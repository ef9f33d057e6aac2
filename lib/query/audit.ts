/** The audit page's reads over GET /api/audit and its export. */
import { useInfiniteQuery } from "@tanstack/react-query";
import type { AuditPage } from "@/lib/audit/actions";
import { fetchJson } from "./fetch-json";

export {
  AUDIT_ACTIONS,
  AUDIT_TARGET_KINDS,
  type AuditAction,
  type AuditEventView,
  type AuditTargetKind,
} from "@/lib/audit/actions";

export interface AuditFilters {
  action: string;
  actor: string;
  targetKind: string;
  /** yyyy-mm-dd, the start of that day in the browser's time zone. */
  since: string;
  /** yyyy-mm-dd, the end of that day. */
  until: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilters = {
  action: "",
  actor: "",
  targetKind: "",
  since: "",
  until: "",
};

export const AUDIT_PAGE_SIZE = 50;

/** Local calendar days to instants the API takes. */
function dayStart(day: string): string {
  return new Date(`${day}T00:00:00`).toISOString();
}
function dayEnd(day: string): string {
  return new Date(`${day}T23:59:59.999`).toISOString();
}

/** The filters as query parameters, shared by the list and the export. */
export function auditParams(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.action) params.set("action", filters.action);
  if (filters.actor.trim()) params.set("actor", filters.actor.trim());
  if (filters.targetKind) params.set("targetKind", filters.targetKind);
  if (filters.since) params.set("since", dayStart(filters.since));
  if (filters.until) params.set("until", dayEnd(filters.until));
  return params;
}

/** Where the browser downloads the filtered log (the session cookie goes along). */
export function auditExportUrl(filters: AuditFilters, format: "csv" | "json"): string {
  const params = auditParams(filters);
  params.set("format", format);
  return `/api/audit/export?${params}`;
}

function show(value: unknown): string {
  if (value === null) return "none";
  if (Array.isArray(value)) return value.map(show).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** The details as one readable line: a change as "from → to", anything else as "key: value". */
export function describeDetails(details: Record<string, unknown>): string {
  const { from, to, setting, ...rest } = details;
  const parts: string[] = [];
  if (from !== undefined || to !== undefined) {
    parts.push(`${setting ? `${show(setting)}: ` : ""}${show(from)} → ${show(to)}`);
  } else if (setting !== undefined) parts.push(`setting: ${show(setting)}`);
  for (const [key, value] of Object.entries(rest)) {
    if (value === null || value === undefined) continue;
    parts.push(`${key}: ${show(value)}`);
  }
  return parts.join(" · ");
}

export function useAuditLog(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: ["audit", filters],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const params = auditParams(filters);
      params.set("limit", String(AUDIT_PAGE_SIZE));
      if (pageParam) params.set("cursor", pageParam);
      return fetchJson<AuditPage>(`/api/audit?${params}`, { signal });
    },
    getNextPageParam: (last) => last.nextCursor,
  });
}
