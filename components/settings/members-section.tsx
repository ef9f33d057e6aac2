"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Me, Role } from "@/components/auth/types";
import { fetchJson } from "@/lib/query/fetch-json";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { ErrorNote, formatDate, Section } from "./section";
import type { Member } from "./types";

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
          <p className="text-sm text-slate-500" role="status">
            Loading members…
          </p>
        ) : members.isError ? (
          <ErrorNote error={members.error} />
        ) : members.data.members.length === 0 ? (
          <p className="text-sm text-slate-500">No members yet.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[36rem] text-left text-sm" data-testid="members-table">
              <thead className="text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Name
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Email
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Role
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Joined
                  </th>
                  {isOwner ? (
                    <th scope="col" className="py-2 font-medium">
                      <span className="sr-only">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {members.data.members.map((m) => {
                  const self = m.user.id === me.user.id;
                  return (
                    <tr key={m.id} data-testid="member-row" data-email={m.user.email}>
                      <td className="py-2 pr-4 font-medium text-slate-900">
                        {m.user.name}
                        {self ? (
                          <span className="ml-1 text-xs font-normal text-slate-500">(you)</span>
                        ) : null}
                      </td>
                      <td className="py-2 pr-4 text-slate-600">{m.user.email}</td>
                      <td className="py-2 pr-4">
                        {isOwner ? (
                          <select
                            aria-label={`Role of ${m.user.name}`}
                            value={m.role}
                            disabled={changeRole.isPending}
                            onChange={(e) =>
                              changeRole.mutate({ id: m.id, role: e.target.value as Role })
                            }
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
                            onConfirm={() => remove(m.id)}
                            aria-label={`Remove ${m.user.name}`}
                            testId="member-remove"
                          >
                            Remove
                          </ConfirmButton>
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </Section>
  );
}
