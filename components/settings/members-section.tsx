"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Me, Role } from "@/components/auth/types";
import { fetchJson } from "@/lib/query/fetch-json";
import { MembersTable } from "./members-table";
import { ErrorNote, Section } from "./section";
import type { MemberView as Member } from "@/lib/auth/views";

export const MEMBERS_KEY = ["team", "members"] as const;

export function MembersSection({ me }: { me: Me }) {
  const client = useQueryClient();
  const isOwner = me.role === "owner";
  const members = useQuery({
    queryKey: MEMBERS_KEY,
    queryFn: () => fetchJson<{ members: Member[] }>("/api/team/members"),
  });
  const changeRole = useMutation({
    mutationFn: ({ id, role }: { id: string; role: Role }) =>
      fetchJson(`/api/team/members/${encodeURIComponent(id)}`, {
        method: "PATCH",
        body: JSON.stringify({ role }),
      }),
    onSettled: () => client.invalidateQueries({ queryKey: MEMBERS_KEY }),
  });

  async function remove(id: string) {
    await fetchJson(`/api/team/members/${encodeURIComponent(id)}`, { method: "DELETE" });
    await client.invalidateQueries({ queryKey: MEMBERS_KEY });
  }

  return (
    <Section
      id="members"
      title="Team members"
      description={
        isOwner
          ? `People in ${me.team.name}. As an owner you can change roles and remove members.`
          : `People in ${me.team.name}.`
      }
    >
      <div className="space-y-3">
        <ErrorNote error={changeRole.error} />
        {members.isPending ? (
          <p className="text-sm text-slate-600" role="status">
            Loading members…
          </p>
        ) : members.isError ? (
          <ErrorNote error={members.error} />
        ) : members.data.members.length === 0 ? (
          <p className="text-sm text-slate-600">No members yet.</p>
        ) : (
          <MembersTable
            members={members.data.members}
            me={me}
            changing={changeRole.isPending}
            onChangeRole={(id, role) => changeRole.mutate({ id, role })}
            onRemove={remove}
          />
        )}
      </div>
    </Section>
  );
}
