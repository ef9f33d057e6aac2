"use client";

import { ConfirmButton } from "@/components/ui/confirm-dialog";
import type { ApiKeyView as ApiKey } from "@/lib/auth/views";
import { formatDate, HeaderCell } from "./section";

/** One key: its name, prefix, role and dates; Revoke (behind a confirmation) until revoked. */
function ApiKeyRow({
  apiKey: k,
  onRevoke,
}: {
  apiKey: ApiKey;
  onRevoke: (id: string) => Promise<void>;
}) {
  return (
    <tr
      className={k.revokedAt ? "text-slate-600" : undefined}
      data-testid={`api-key-row-${k.name}`}
      data-revoked={k.revokedAt ? "true" : "false"}
    >
      <td className="py-2 pr-4 font-medium">{k.name}</td>
      <td className="py-2 pr-4 font-mono text-xs">{k.prefix}…</td>
      <td className="py-2 pr-4 capitalize">{k.role}</td>
      <td className="py-2 pr-4">{formatDate(k.createdAt)}</td>
      <td className="py-2 pr-4">{k.lastUsedAt ? formatDate(k.lastUsedAt) : "Never"}</td>
      <td className="py-2 text-right">
        {k.revokedAt ? (
          <span
            className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-600"
            title={formatDate(k.revokedAt)}
          >
            Revoked {formatDate(k.revokedAt)}
          </span>
        ) : (
          <ConfirmButton
            title={`Revoke “${k.name}”?`}
            message="Programs using this key will get 401 Unauthorized from the next request on. This cannot be undone."
            confirmLabel="Revoke key"
            onConfirm={() => onRevoke(k.id)}
            aria-label={`Revoke ${k.name}`}
            testId={`api-key-revoke-${k.name}`}
          >
            Revoke
          </ConfirmButton>
        )}
      </td>
    </tr>
  );
}

/** The team's keys, revoked ones included (greyed, with the date). */
export function ApiKeysTable({
  keys,
  onRevoke,
}: {
  keys: ApiKey[];
  onRevoke: (id: string) => Promise<void>;
}) {
  return (
    <div
      className="relative overflow-x-auto"
      tabIndex={0}
      role="region"
      aria-label="API keys (scrolls sideways)"
    >
      <table className="w-full min-w-[40rem] text-left text-sm" data-testid="api-keys-table">
        <thead className="text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <HeaderCell>Name</HeaderCell>
            <HeaderCell>Key</HeaderCell>
            <HeaderCell>Role</HeaderCell>
            <HeaderCell>Created</HeaderCell>
            <HeaderCell>Last used</HeaderCell>
            <th scope="col" className="py-2 font-medium">
              <span className="sr-only">Status</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {keys.map((k) => (
            <ApiKeyRow key={k.id} apiKey={k} onRevoke={onRevoke} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
