import "server-only";
import {
  type Principal,
  type Role,
  assertSameOrigin,
  authenticate,
  principalId,
  requireRole,
} from "@/lib/auth";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getApiKeys, getPrisma } from "@/lib/runtime";
import { addLogContext } from "@/lib/log-context";
import { errorResponse } from "./errors";
import { observeRequest, routePattern } from "./observe-request";
import { type RateLimitGroup, checkRateLimit, clientIp } from "./rate-limit";

type Params = Record<string, string>;

export interface RouteContext<P extends Params, Who> {
  request: Request;
  params: P;
  principal: Who;
  prisma: PrismaClient;
}

interface Options {
  /** Rate-limit group this route counts against. @default "api" for signed-in routes */
  rateLimit?: RateLimitGroup | false;
}

type NextHandler = (request: Request, context: { params: Promise<Params> }) => Promise<Response>;

/**
 * The one wrapper every route handler goes through. It owns, in order: authentication (API key
 * or session), CSRF for cookie writes, role check, rate limiting, and the mapping of any thrown
 * error to a JSON error response. Handlers parse, delegate, respond, and scope every query to
 * `principal.teamId`.
 */
export function route<P extends Params = Params>(
  options: Options & { role: Role },
  handler: (ctx: RouteContext<P, Principal>) => Promise<Response> | Response,
): NextHandler {
  return wrap<P>(options, async (request, params, prisma) => {
    const keys = await getApiKeys();
    const principal = await authenticate(prisma, request, { keys, failures: keys.failures });
    if (!principal) throw new AppError("unauthorized", "sign in or send an API key");
    addLogContext({
      teamId: principal.teamId,
      ...(principal.kind === "api-key" ? { keyId: principal.apiKeyId } : {}),
    });
    if (principal.kind === "user") assertSameOrigin(request);
    requireRole(principal.role, options.role);
    return {
      identity: principalId(principal),
      run: () => handler({ request, params, principal, prisma }),
    };
  });
}

/** A route anyone may call (sign-in, sign-up, health); the caller may still be signed in. */
export function publicRoute<P extends Params = Params>(
  options: Options,
  handler: (ctx: RouteContext<P, Principal | null>) => Promise<Response> | Response,
): NextHandler {
  return wrap<P>(options, async (request, params, prisma) => {
    const keys = await getApiKeys();
    const principal = await authenticate(prisma, request, {
      keys,
      failures: keys.failures,
    }).catch(() => null);
    assertSameOrigin(request);
    return {
      identity: `ip:${clientIp(request)}`,
      run: () => handler({ request, params, principal, prisma }),
    };
  });
}

function wrap<P extends Params>(
  options: Options & { role?: Role },
  prepare: (
    request: Request,
    params: P,
    prisma: PrismaClient,
  ) => Promise<{ identity: string; run: () => Promise<Response> | Response }>,
): NextHandler {
  return async (request, context) => {
    const params = ((await context?.params) ?? {}) as P;
    const route = routePattern(new URL(request.url).pathname, params);
    return observeRequest(request, route, () => serve(request, params));
  };

  async function serve(request: Request, params: P): Promise<Response> {
    let limitHeaders: Headers | undefined;
    try {
      const prisma = await getPrisma();
      const { identity, run } = await prepare(request, params, prisma);
      const group = options.rateLimit ?? (options.role ? "api" : false);
      if (group) {
        const limited = await checkRateLimit(group, identity);
        limitHeaders = limited.headers;
        if (limited.error) throw limited.error;
      }
      const response = await run();
      limitHeaders?.forEach((value, key) => response.headers.set(key, value));
      return response;
    } catch (error) {
      return errorResponse(error, limitHeaders);
    }
  }
}
