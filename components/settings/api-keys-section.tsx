"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { hasRole, type Me, type Role } from "@/components/auth/types";
import { ApiError, fetchJson } from "@/lib/query/fetch-json";
import { ApiKeySecret } from "./api-key-secret";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { ErrorNote, formatDate, INPUT, PRIMARY_BUTTON, Section } from "./section";
import type { ApiKey } from "./types";

const KEYS_KEY = ["keys"] as const;

export function ApiKeysSection({ me }: { me: Me }) {
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [shown, setShown] = useState<{ name: string; secret: string } | null>(null);
  const keys = useQuery({
    queryKey: KEYS_KEY,
    queryFn: () => fetchJson<{ keys: ApiKey[] }>("/api/keys"),
  });
  const create = useMutation({
    mutationFn: (input: { name: string; role: Role }) =>
      fetchJson<{ key: string; apiKey: ApiKey }>("/api/keys", {
        method: "POST",
        body: JSON.stringify(input),
      }),
    onSuccess: (data) => {
      setShown({ name: data.apiKey.name, secret: data.key });
      setName("");
      return client.invalidateQueries({ queryKey: KEYS_KEY });
    },
  });

  async function revoke(id: string) {
    await fetchJson(`/api/keys/${encodeURIComponent(id)}`, { method: "DELETE" });
    await client.invalidateQueries({ queryKey: KEYS_KEY });
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setShown(null);
    create.mutate({ name: name.trim(), role });
  }

  const nameError =
    create.error instanceof ApiError && create.error.field === "name" ? create.error.message : null;
  // A key cannot outrank the person who makes it.
  const grantable = (["member", "admin", "owner"] as const).filter((r) => hasRole(me.role, r));

  return (
    <Section
      id="api-keys"
      title="API keys"
      description="Programs call Ensemble's API and its Anthropic-compatible gateway with these keys."
    >
      <div className="space-y-4">
        <form
          onSubmit={onSubmit}
          className="flex flex-wrap items-end gap-3"
          data-testid="api-key-form"
        >
          <div className="min-w-48 flex-1">
            <label htmlFor="api-key-name" className="block text-sm font-medium text-slate-700">
              Name
            </label>
            <input
              id="api-key-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
              maxLength={100}
              placeholder="ci-pipeline"
              aria-invalid={nameError ? true : undefined}
              aria-describedby={nameError ? "api-key-name-error" : undefined}
              className={`mt-1 w-full ${INPUT}`}
              data-testid="api-key-name"
            />
          </div>
          <div>
            <label htmlFor="api-key-role" className="block text-sm font-medium text-slate-700">
              Role
            </label>
            <select
              id="api-key-role"
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
              className={`mt-1 ${INPUT}`}
              data-testid="api-key-role"
            >
              {grantable.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </div>
          <button
            type="submit"
            className={PRIMARY_BUTTON}
            disabled={create.isPending || !name.trim()}
            data-testid="api-key-create"
          >
            {create.isPending ? "Creating…" : "Create key"}
          </button>
        </form>
        {nameError ? (
          <p id="api-key-name-error" className="text-sm text-rose-600">
            {nameError}
          </p>
        ) : (
          <ErrorNote error={create.error} />
        )}
        {shown ? (
          <ApiKeySecret name={shown.name} secret={shown.secret} onDismiss={() => setShown(null)} />
        ) : null}

        {keys.isPending ? (
          <p className="text-sm text-slate-500" role="status">
            Loading keys…
          </p>
        ) : keys.isError ? (
          <ErrorNote error={keys.error} />
        ) : keys.data.keys.length === 0 ? (
          <p
            className="rounded-lg border border-dashed border-slate-300 p-4 text-center text-sm text-slate-500"
            data-testid="api-keys-empty"
          >
            No API keys yet. Create one to connect a program or the Anthropic SDK.
          </p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[40rem] text-left text-sm" data-testid="api-keys-table">
              <thead className="text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Name
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Key
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Role
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Created
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Last used
                  </th>
                  <th scope="col" className="py-2 font-medium">
                    <span className="sr-only">Status</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {keys.data.keys.map((k) => (
                  <tr
                    key={k.id}
                    className={k.revokedAt ? "text-slate-400" : undefined}
                    data-testid={`api-key-row-${k.name}`}
                    data-revoked={k.revokedAt ? "true" : "false"}
                  >
                    <td className="py-2 pr-4 font-medium">{k.name}</td>
                    <td className="py-2 pr-4 font-mono text-xs">{k.prefix}…</td>
                    <td className="py-2 pr-4 capitalize">{k.role}</td>
                    <td className="py-2 pr-4">{formatDate(k.createdAt)}</td>
                    <td className="py-2 pr-4">
                      {k.lastUsedAt ? formatDate(k.lastUsedAt) : "Never"}
                    </td>
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
                          onConfirm={() => revoke(k.id)}
                          aria-label={`Revoke ${k.name}`}
                          testId={`api-key-revoke-${k.name}`}
                        >
                          Revoke
                        </ConfirmButton>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </Section>
  );
}
