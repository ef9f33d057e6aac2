import { ApiError, fetchJson } from "./fetch-json";

/** Where to send a signed-out browser, coming back to the current page afterwards. */
export function signInUrl(): string {
  const next = `${window.location.pathname}${window.location.search}`;
  return `/sign-in?next=${encodeURIComponent(next)}`;
}

export function redirectToSignIn(): void {
  window.location.assign(signInUrl());
}

/**
 * `fetchJson` for the app's own API from signed-in pages: a 401 sends the browser to sign in.
 * (Sign-in pages themselves use `fetchJson`, where a 401 is an ordinary error.)
 */
export async function apiFetch<T>(input: string, init?: RequestInit): Promise<T> {
  try {
    return await fetchJson<T>(input, init);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) redirectToSignIn();
    throw error;
  }
}

export function postJson<T>(input: string, body: unknown, method = "POST"): Promise<T> {
  return apiFetch<T>(input, { method, body: JSON.stringify(body) });
}

/** A message fit for a toast or an inline error, whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}
