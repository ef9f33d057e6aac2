import "server-only";
import { SESSION_TTL_MS, sessionCookie } from "@/lib/auth";
import { requestProto } from "./client-address";

/** Cookies are Secure when the request came over HTTPS (directly or through a trusted proxy). */
export function isHttps(request: Request): boolean {
  return requestProto(request) === "https";
}

export function withSessionCookie(response: Response, request: Request, token: string): Response {
  response.headers.append(
    "set-cookie",
    sessionCookie(token, { secure: isHttps(request), maxAgeMs: SESSION_TTL_MS }),
  );
  return response;
}

export function withClearedSession(response: Response, request: Request): Response {
  response.headers.append(
    "set-cookie",
    sessionCookie("", { secure: isHttps(request), maxAgeMs: 0 }),
  );
  return response;
}
