"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError } from "@/lib/query/fetch-json";
import type { Me } from "./types";

export const ME_QUERY_KEY = ["me"] as const;

/** GET /api/auth/me; a 401 is not an error here — it means "signed out" and resolves to null. */
async function fetchMe(): Promise<Me | null> {
  const response = await fetch("/api/auth/me", { headers: { accept: "application/json" } });
  if (response.status === 401) return null;
  if (!response.ok)
    throw new ApiError(
      response.status,
      "http_error",
      `could not load your session (${response.status})`,
    );
  return (await response.json()) as Me;
}

export function useMe() {
  return useQuery({ queryKey: ME_QUERY_KEY, queryFn: fetchMe, staleTime: 60_000 });
}

/** After signing in, up or out: forget everything the previous identity loaded, then record the new one. */
export function useSetMe() {
  const client = useQueryClient();
  return (me: Me | null) => {
    client.removeQueries({ predicate: (query) => query.queryKey[0] !== ME_QUERY_KEY[0] });
    client.setQueryData(ME_QUERY_KEY, me);
  };
}
