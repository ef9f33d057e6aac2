import { ApiError, errorMessage, postJson } from "@/lib/query/fetch-json";
import type { Me } from "./types";

/** The outcome of a sign-in or sign-up POST, with what a form needs to show an error in place. */
export type AuthResult =
  | { ok: true; me: Me }
  | {
      ok: false;
      status: number;
      message: string;
      /** The input the server blamed, if any (e.g. "email"). */
      field?: string;
      /** Seconds from Retry-After on a 429. */
      retryAfterSeconds?: number;
    };

export async function postAuth(
  path: "/api/auth/sign-in" | "/api/auth/sign-up",
  body: unknown,
): Promise<AuthResult> {
  try {
    // A 401 here is "wrong email or password", shown in the form, not a reason to redirect.
    return { ok: true, me: await postJson<Me>(path, body, { on401: "throw" }) };
  } catch (error) {
    if (!(error instanceof ApiError)) return { ok: false, status: 0, message: errorMessage(error) };
    return {
      ok: false,
      status: error.status,
      message: error.message,
      ...(error.field ? { field: error.field } : {}),
      ...(error.retryAfterSeconds ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    };
  }
}

export async function postSignOut(): Promise<void> {
  await postJson<unknown>("/api/auth/sign-out", {}, { on401: "throw" }).catch(() => undefined);
}
