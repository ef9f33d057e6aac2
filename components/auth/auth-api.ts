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
  let response: Response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    return {
      ok: false,
      status: 0,
      message: "Could not reach the server. Check your connection and try again.",
    };
  }
  const json: unknown = await response.json().catch(() => null);
  if (response.ok) return { ok: true, me: json as Me };
  const error = (json as { error?: { message?: string; field?: string } } | null)?.error;
  const retryAfter = Number(response.headers.get("retry-after"));
  return {
    ok: false,
    status: response.status,
    message: error?.message ?? `Request failed (${response.status}).`,
    ...(error?.field ? { field: error.field } : {}),
    ...(Number.isFinite(retryAfter) && retryAfter > 0
      ? { retryAfterSeconds: Math.ceil(retryAfter) }
      : {}),
  };
}

export async function postSignOut(): Promise<void> {
  await fetch("/api/auth/sign-out", { method: "POST" });
}
