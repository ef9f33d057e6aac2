"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchJson } from "@/lib/query/fetch-json";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { InviteCreate } from "./invite-create";
import { ErrorNote, formatDate, Section } from "./section";
import type { InviteView as PendingInvite } from "@/lib/auth/views";

const INVITES_KEY = ["team", "invites"] as const;

export function InvitesSection() {
  const client = useQueryClient();
  const invites = useQuery({
    queryKey: INVITES_KEY,
    queryFn: () => fetchJson<{ invites: PendingInvite[] }>("/api/team/invites"),
  });

  async function revoke(id: string) {
    await fetchJson(`/api/team/invites/${encodeURIComponent(id)}`, { method: "DELETE" });
    await client.invalidateQueries({ queryKey: INVITES_KEY });
  }

  return (
    <Section
      id="invites"
      title="Invites"
      description="Invite links are single-use; anyone with the link can join with the role you choose."
    >
      <div className="space-y-4">
        <InviteCreate onCreated={() => client.invalidateQueries({ queryKey: INVITES_KEY })} />

        <div>
          <h3 className="text-sm font-semibold text-slate-700">Pending invites</h3>
          {invites.isPending ? (
            <p className="mt-2 text-sm text-slate-600" role="status">
              Loading invites…
            </p>
          ) : invites.isError ? (
            <ErrorNote error={invites.error} />
          ) : invites.data.invites.length === 0 ? (
            <p className="mt-2 text-sm text-slate-600" data-testid="invites-empty">
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
                    <span className="text-slate-600">
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
