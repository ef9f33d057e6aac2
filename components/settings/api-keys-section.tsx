"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { Me } from "@/components/auth/types";
import type { ApiKeyView as ApiKey } from "@/lib/auth/views";
import { fetchJson } from "@/lib/query/fetch-json";
import { ApiKeyCreate } from "./api-key-create";
import { ApiKeysTable } from "./api-keys-table";
import { ErrorNote, Section } from "./section";

const KEYS_KEY = ["keys"] as const;

export function ApiKeysSection({ me }: { me: Me }) {
  const client = useQueryClient();
  const keys = useQuery({
    queryKey: KEYS_KEY,
    queryFn: () => fetchJson<{ keys: ApiKey[] }>("/api/keys"),
  });

  async function revoke(id: string) {
    await fetchJson(`/api/keys/${encodeURIComponent(id)}`, { method: "DELETE" });
    await client.invalidateQueries({ queryKey: KEYS_KEY });
  }

  return (
    <Section
      id="api-keys"
      title="API keys"
      description="Programs call Ensemble's API and its Anthropic-compatible gateway with these keys."
    >
      <div className="space-y-4">
        <ApiKeyCreate me={me} onCreated={() => client.invalidateQueries({ queryKey: KEYS_KEY })} />

        {keys.isPending ? (
          <p className="text-sm text-slate-600" role="status">
            Loading keys…
          </p>
        ) : keys.isError ? (
          <ErrorNote error={keys.error} />
        ) : keys.data.keys.length === 0 ? (
          <p
            className="rounded-lg border border-dashed border-slate-300 p-4 text-center text-sm text-slate-600"
            data-testid="api-keys-empty"
          >
            No API keys yet. Create one to connect a program or the Anthropic SDK.
          </p>
        ) : (
          <ApiKeysTable keys={keys.data.keys} onRevoke={revoke} />
        )}
      </div>
    </Section>
  );
}
