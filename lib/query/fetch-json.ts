/**
 * The one way the browser talks to the app's JSON API. Error bodies (`{ error: { code, message,
 * field } }`, see lib/http/errors.ts) become a thrown `ApiError` carrying the server's `ErrorCode`;
 * a 401 sends the browser to sign in, unless the caller handles signed-out itself.
 */
import type { ErrorCode } from "@/lib/errors";

/** The server's codes, plus what only the browser can see: no answer, or an answer not in our shape. */
export type ClientErrorCode = ErrorCode | "network_error" | "http_error";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ClientErrorCode,
    message: string,
    readonly field?: string,
    /** Seconds from Retry-After, when the server sent one (429, 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface FetchJsonInit extends RequestInit {
  /**
   * What a 401 does. "redirect" (the default, for signed-in pages) sends the browser to
   * /sign-in and back; "throw" leaves it to the caller (the sign-in forms, the session probe).
   */
  on401?: "redirect" | "throw";
}

/** Where to send a signed-out browser, coming back to the current page afterwards. */
export function signInUrl(): string {
  const next = `${window.location.pathname}${window.location.search}`;
  return `/sign-in?next=${encodeURIComponent(next)}`;
}

export function redirectToSignIn(): void {
  window.location.assign(signInUrl());
}

interface ErrorBody {
  error?: { code?: string; message?: string; field?: string };
}

function toApiError(response: Response, body: unknown): ApiError {
  const error = (body as ErrorBody | null)?.error;
  const retryAfter = Number(response.headers.get("retry-after"));
  return new ApiError(
    response.status,
    // The server speaks only ErrorCodes (lib/errors.ts); anything else did not come from our API.
    (error?.code as ErrorCode | undefined) ?? "http_error",
    error?.message ?? `Request failed (${response.status}).`,
    error?.field,
    Number.isFinite(retryAfter) && retryAfter > 0 ? Math.ceil(retryAfter) : undefined,
  );
}

export async function fetchJson<T>(input: string, init: FetchJsonInit = {}): Promise<T> {
  const { on401 = "redirect", ...rest } = init;
  let response: Response;
  try {
    response = await fetch(input, {
      ...rest,
      headers: { accept: "application/json", "content-type": "application/json", ...rest.headers },
    });
  } catch (error) {
    if (rest.signal?.aborted) throw error;
    throw new ApiError(0, "network_error", "Could not reach the server. Check your connection.");
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) return body as T;
  const error = toApiError(response, body);
  if (response.status === 401 && on401 === "redirect") redirectToSignIn();
  throw error;
}

export function postJson<T>(
  input: string,
  body: unknown,
  init: FetchJsonInit & { method?: "POST" | "PATCH" | "PUT" | "DELETE" } = {},
): Promise<T> {
  return fetchJson<T>(input, { method: "POST", ...init, body: JSON.stringify(body) });
}

/** A message fit for a toast or an inline error, whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}
