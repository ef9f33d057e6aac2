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

/** A cell's name, shown only where the row is a card (the table's header is hidden there). */
function CardLabel({ children }: { children: string }) {
  return (
    <span className="text-xs font-medium uppercase tracking-wide text-slate-600 sm:hidden">
      {children}
    </span>
  );
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
    // Below `sm` each row is a card: cells stack, and a small label names the ones a header named.
    <tr
      data-testid="member-row"
      data-email={m.user.email}
      className="max-sm:flex max-sm:flex-col max-sm:gap-1.5 max-sm:rounded-lg max-sm:border max-sm:border-slate-200 max-sm:p-3"
    >
      <td className="py-2 pr-4 font-medium text-slate-900 max-sm:p-0">
        {m.user.name}
        {self ? <span className="ml-1 text-xs font-normal text-slate-600">(you)</span> : null}
      </td>
      <td className="break-all py-2 pr-4 text-slate-600 max-sm:p-0">{m.user.email}</td>
      <td className="py-2 pr-4 max-sm:flex max-sm:items-center max-sm:gap-2 max-sm:p-0">
        <CardLabel>Role</CardLabel>
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
      <td className="py-2 pr-4 text-slate-600 max-sm:p-0">
        <CardLabel>Joined</CardLabel> {formatDate(m.joinedAt)}
      </td>
      {isOwner ? (
        <td className="py-2 text-right max-sm:pt-1 max-sm:text-left">
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

/**
 * The team's members; the actions column only for an owner. A table from `sm` up (scrolling
 * inside its box if it must); below, one card per member, so a phone never scrolls sideways.
 */
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
      className="relative sm:overflow-x-auto"
      tabIndex={0}
      role="region"
      aria-label="Members (scrolls sideways on narrow screens)"
    >
      <table
        className="w-full text-left text-sm max-sm:block sm:min-w-[36rem]"
        data-testid="members-table"
      >
        <thead className="text-xs uppercase tracking-wide text-slate-600 max-sm:sr-only">
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
        <tbody className="divide-y divide-slate-100 max-sm:block max-sm:space-y-3 max-sm:divide-y-0">
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
