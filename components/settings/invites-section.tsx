"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import type { Role } from "@/components/auth/types";
import { fetchJson } from "@/lib/query/fetch-json";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { CopyButton } from "@/components/ui/copy-button";
import { ErrorNote, formatDate, INPUT, PRIMARY_BUTTON, Section } from "./section";
import type { CreatedInvite, PendingInvite } from "./types";

const INVITES_KEY = ["team", "invites"] as const;

export function InvitesSection() {
  const client = useQueryClient();
  const [role, setRole] = useState<Role>("member");
  const invites = useQuery({
    queryKey: INVITES_KEY,
    queryFn: () => fetchJson<{ invites: PendingInvite[] }>("/api/team/invites"),
  });
  const create = useMutation({
    mutationFn: (r: Role) =>
      fetchJson<{ invite: CreatedInvite }>("/api/team/invites", {
        method: "POST",
        body: JSON.stringify({ role: r }),
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: INVITES_KEY }),
  });

  async function revoke(id: string) {
    await fetchJson(`/api/team/invites/${encodeURIComponent(id)}`, { method: "DELETE" });
    await client.invalidateQueries({ queryKey: INVITES_KEY });
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    create.mutate(role);
  }

  const created = create.data?.invite;

  return (
    <Section
      id="invites"
      title="Invites"
      description="Invite links are single-use; anyone with the link can join with the role you choose."
    >
      <div className="space-y-4">
        <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3">
          <div className="w-full sm:w-auto">
            <label htmlFor="invite-role" className="block text-sm font-medium text-slate-700">
              Role
            </label>
            <select
              id="invite-role"
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
              className={`mt-1 w-full ${INPUT}`}
              data-testid="invite-role"
            >
              <option value="member">member — runs agents, sees history</option>
              <option value="admin">admin — also manages agents, keys, cache</option>
              <option value="owner">owner — also manages members</option>
            </select>
          </div>
          <button
            type="submit"
            className={PRIMARY_BUTTON}
            disabled={create.isPending}
            data-testid="invite-create"
          >
            {create.isPending ? "Creating…" : "Create invite link"}
          </button>
        </form>
        <ErrorNote error={create.error} />
        {created ? (
          <div className="rounded-lg border border-emerald-200 bg-emerald-50 p-3" role="status">
            <label htmlFor="invite-link" className="block text-sm font-medium text-emerald-900">
              Invite link (expires {formatDate(created.expiresAt)})
            </label>
            <div className="mt-2 flex gap-2">
              <input
                id="invite-link"
                readOnly
                value={created.url}
                onFocus={(e) => e.currentTarget.select()}
                className={`min-w-0 flex-1 font-mono text-xs ${INPUT}`}
                data-testid="invite-link"
              />
              <CopyButton text={created.url} testId="invite-copy" />
            </div>
          </div>
        ) : null}

        <div>
          <h3 className="text-sm font-semibold text-slate-700">Pending invites</h3>
          {invites.isPending ? (
            <p className="mt-2 text-sm text-slate-500" role="status">
              Loading invites…
            </p>
          ) : invites.isError ? (
            <ErrorNote error={invites.error} />
          ) : invites.data.invites.length === 0 ? (
            <p className="mt-2 text-sm text-slate-500" data-testid="invites-empty">
              No pending invites.
            </p>
          ) : (
            <ul className="mt-2 divide-y divide-slate-100" data-testid="invites-list">
              {invites.data.invites.map((invite) => (
                <li
                  key={invite.id}
                  className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm"
                  data-testid="invite-row"
                >
                  <span>
                    <span className="font-medium capitalize">{invite.role}</span>
                    <span className="text-slate-500">
                      {" "}
                      · created {formatDate(invite.createdAt)} · expires{" "}
                      {formatDate(invite.expiresAt)}
                    </span>
                  </span>
                  <ConfirmButton
                    title="Revoke this invite?"
                    message="The link will stop working. Anyone who already joined with it keeps access."
                    confirmLabel="Revoke"
                    onConfirm={() => revoke(invite.id)}
                    aria-label={`Revoke ${invite.role} invite created ${formatDate(invite.createdAt)}`}
                    testId="invite-revoke"
                  >
                    Revoke
                  </ConfirmButton>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </Section>
  );
}
