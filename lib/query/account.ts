import { useMutation } from "@tanstack/react-query";
import { postJson } from "./fetch-json";

export function useRenameMe() {
  return useMutation({
    mutationFn: (name: string) =>
      postJson<{ user: { name: string } }>("/api/auth/me", { name }, { method: "PATCH" }),
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (input: { currentPassword: string; newPassword: string }) =>
      postJson<{ revokedSessions: number }>("/api/auth/password", input),
  });
}

export function useSignOutEverywhere() {
  return useMutation({
    mutationFn: () => postJson<null>("/api/auth/sign-out?all=1", {}),
  });
}
