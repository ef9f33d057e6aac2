"use client";

import { RelativeTime } from "@/components/ui/relative-time";
import {
  AUDIT_ACTIONS,
  AUDIT_TARGET_KINDS,
  type AuditEventView,
  describeDetails,
} from "@/lib/query/audit";

export function AuditRow({ event }: { event: AuditEventView }) {
  const failed = event.action === "auth.sign-in-failed";
  const details = describeDetails(event.details);
  return (
    <tr data-testid="audit-row" data-action={event.action} className="align-top">
      <td className="whitespace-nowrap py-2 pl-4 pr-3 text-slate-600">
        <RelativeTime iso={event.createdAt} />
      </td>
      <td className="py-2 pr-3">
        <span
          className={`inline-block whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ${
            failed ? "bg-rose-50 text-rose-700" : "bg-indigo-50 text-indigo-700"
          }`}
          title={event.action}
        >
          {AUDIT_ACTIONS[event.action] ?? event.action}
        </span>
      </td>
      <td className="max-w-[14rem] py-2 pr-3">
        <span className="block truncate text-slate-900" title={event.actor.label}>
          {event.actor.label}
        </span>
        <span className="text-xs text-slate-600">
          {event.actor.kind === "api-key"
            ? "API key"
            : event.actor.kind === "anonymous"
              ? "not signed in"
              : "user"}
        </span>
      </td>
      <td className="max-w-[14rem] py-2 pr-3">
        {event.target ? (
          <>
            <span className="block truncate text-slate-900" title={event.target.label ?? ""}>
              {event.target.label ?? event.target.id ?? "—"}
            </span>
            <span className="text-xs text-slate-600">
              {AUDIT_TARGET_KINDS[event.target.kind] ?? event.target.kind}
            </span>
          </>
        ) : (
          <span className="text-slate-600">—</span>
        )}
      </td>
      <td className="max-w-[18rem] py-2 pr-3 text-xs text-slate-700">
        <span className="line-clamp-2 break-words" title={details}>
          {details || "—"}
        </span>
      </td>
      <td className="py-2 pr-4 text-xs text-slate-600">
        <span className="font-mono">{event.address}</span>
        {event.userAgent ? (
          <span className="block max-w-[12rem] truncate" title={event.userAgent}>
            {event.userAgent}
          </span>
        ) : null}
      </td>
    </tr>
  );
}
