"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { hasRole, type Me, type Role } from "@/components/auth/types";
import type { CreatedApiKeyView } from "@/lib/auth/views";
import { ApiError, fetchJson } from "@/lib/query/fetch-json";
import { ApiKeySecret } from "./api-key-secret";
import { ErrorNote, INPUT, PRIMARY_BUTTON } from "./section";

/** The role a new key gets: at most the maker's own, since a key cannot outrank the person who makes it. */
function ApiKeyRoleField({
  me,
  role,
  onChange,
}: {
  me: Me;
  role: Role;
  onChange: (role: Role) => void;
}) {
  const grantable = (["member", "admin", "owner"] as const).filter((r) => hasRole(me.role, r));
  return (
    <div>
      <label htmlFor="api-key-role" className="block text-sm font-medium text-slate-700">
        Role
      </label>
      <select
        id="api-key-role"
        value={role}
        onChange={(e) => onChange(e.target.value as Role)}
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
  );
}

/** The new-key form (name and role), its errors, and the new key's secret, shown once. */
export function ApiKeyCreate({ me, onCreated }: { me: Me; onCreated: () => Promise<unknown> }) {
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [shown, setShown] = useState<{ name: string; secret: string } | null>(null);
  const create = useMutation({
    mutationFn: (input: { name: string; role: Role }) =>
      fetchJson<CreatedApiKeyView>("/api/keys", {
        method: "POST",
        body: JSON.stringify(input),
      }),
    onSuccess: (data) => {
      setShown({ name: data.apiKey.name, secret: data.key });
      setName("");
      return onCreated();
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setShown(null);
    create.mutate({ name: name.trim(), role });
  }

  const nameError =
    create.error instanceof ApiError && create.error.field === "name" ? create.error.message : null;

  return (
    <>
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
        <ApiKeyRoleField me={me} role={role} onChange={setRole} />
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
        <p id="api-key-name-error" className="text-sm text-rose-700">
          {nameError}
        </p>
      ) : (
        <ErrorNote error={create.error} />
      )}
      {shown ? (
        <ApiKeySecret name={shown.name} secret={shown.secret} onDismiss={() => setShown(null)} />
      ) : null}
    </>
  );
}
