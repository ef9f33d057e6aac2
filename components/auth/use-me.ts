"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, fetchJson } from "@/lib/query/fetch-json";
import { hasRole, type Me, type Role } from "./types";

export const ME_QUERY_KEY = ["me"] as const;

/** GET /api/auth/me; a 401 is not an error here — it means "signed out" and resolves to null. */
async function fetchMe(): Promise<Me | null> {
  try {
    return await fetchJson<Me>("/api/auth/me", { on401: "throw" });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
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

/**
 * Whether the signed-in user has `role` or higher: the UI shows only the actions the server would
 * allow. False while the session loads, so admin actions never flash up for a member.
 */
export function useHasRole(role: Role): boolean {
  const me = useMe();
  return me.data ? hasRole(me.data.role, role) : false;
}
