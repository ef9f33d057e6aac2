import "server-only";
import { errorResponse } from "./errors";

type Params = Record<string, string | string[]>;

export interface RouteContext<P extends Params = Params> {
  request: Request;
  params: P;
}

/**
 * The one wrapper every route handler goes through: it owns the try/catch and the error
 * mapping, so handlers just parse, delegate and respond, and throw AppError when they must.
 * (Authentication and rate limiting join here as the guard.)
 */
export function route<P extends Params = Params>(
  handler: (ctx: RouteContext<P>) => Promise<Response> | Response,
) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    try {
      const params = (await context?.params) ?? ({} as P);
      return await handler({ request, params });
    } catch (error) {
      return errorResponse(error);
    }
  };
}
