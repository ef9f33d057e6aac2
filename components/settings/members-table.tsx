"use client";

import type { Me, Role } from "@/components/auth/types";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import type { MemberView as Member } from "@/lib/auth/views";
import { formatDate, HeaderCell } from "./section";

interface MemberActions {
  me: Me;
  /** A role change is on its way: the role selects wait for it. */
  changing: boolean;
  onChangeRole: (id: string, role: Role) => void;
  onRemove: (id: string) => Promise<void>;
}

/** One member; an owner may change the role or remove them (or leave, on their own row). */
function MemberRow({
  member: m,
  me,
  changing,
  onChangeRole,
  onRemove,
}: MemberActions & { member: Member }) {
  const isOwner = me.role === "owner";
  const self = m.user.id === me.user.id;
  return (
    <tr data-testid="member-row" data-email={m.user.email}>
      <td className="py-2 pr-4 font-medium text-slate-900">
        {m.user.name}
        {self ? <span className="ml-1 text-xs font-normal text-slate-600">(you)</span> : null}
      </td>
      <td className="py-2 pr-4 text-slate-600">{m.user.email}</td>
      <td className="py-2 pr-4">
        {isOwner ? (
          <select
            aria-label={`Role of ${m.user.name}`}
            value={m.role}
            disabled={changing}
            onChange={(e) => onChangeRole(m.id, e.target.value as Role)}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
            data-testid="member-role"
          >
            <option value="member">member</option>
            <option value="admin">admin</option>
            <option value="owner">owner</option>
          </select>
        ) : (
          <span className="capitalize">{m.role}</span>
        )}
      </td>
      <td className="py-2 pr-4 text-slate-600">{formatDate(m.joinedAt)}</td>
      {isOwner ? (
        <td className="py-2 text-right">
          <ConfirmButton
            title={self ? "Leave the team?" : `Remove ${m.user.name}?`}
            message={
              self
                ? "You will lose access to this team's agents, runs and keys."
                : `${m.user.email} will lose access to ${me.team.name} immediately.`
            }
            confirmLabel={self ? "Leave team" : "Remove"}
            onConfirm={() => onRemove(m.id)}
            aria-label={`Remove ${m.user.name}`}
            testId="member-remove"
          >
            Remove
          </ConfirmButton>
        </td>
      ) : null}
    </tr>
  );
}

/** The team's members; the actions column only for an owner. */
export function MembersTable({
  members,
  me,
  changing,
  onChangeRole,
  onRemove,
}: MemberActions & { members: Member[] }) {
  const isOwner = me.role === "owner";
  return (
    <div
      className="relative overflow-x-auto"
      tabIndex={0}
      role="region"
      aria-label="Members (scrolls sideways)"
    >
      <table className="w-full min-w-[36rem] text-left text-sm" data-testid="members-table">
        <thead className="text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <HeaderCell>Name</HeaderCell>
            <HeaderCell>Email</HeaderCell>
            <HeaderCell>Role</HeaderCell>
            <HeaderCell>Joined</HeaderCell>
            {isOwner ? (
              <th scope="col" className="py-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {members.map((m) => (
            <MemberRow
              key={m.id}
              member={m}
              me={me}
              changing={changing}
              onChangeRole={onChangeRole}
              onRemove={onRemove}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
