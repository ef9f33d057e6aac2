"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import type { Role } from "@/components/auth/types";
import { CopyButton } from "@/components/ui/copy-button";
import type { CreatedInviteView as CreatedInvite } from "@/lib/auth/views";
import { fetchJson } from "@/lib/query/fetch-json";
import { ErrorNote, formatDate, INPUT, PRIMARY_BUTTON } from "./section";

/** The new-invite form (a role), its error, and the new link ready to copy. */
export function InviteCreate({ onCreated }: { onCreated: () => Promise<unknown> }) {
  const [role, setRole] = useState<Role>("member");
  const create = useMutation({
    mutationFn: (r: Role) =>
      fetchJson<{ invite: CreatedInvite }>("/api/team/invites", {
        method: "POST",
        body: JSON.stringify({ role: r }),
      }),
    onSuccess: onCreated,
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    create.mutate(role);
  }

  const created = create.data?.invite;
  return (
    <>
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
    </>
  );
}
