import type { IncomingMessage, ServerResponse } from "node:http";
import { type SimState, hasCredentials, sendError, sendJson } from "./messages-endpoint";
import { findModel, listModels } from "./models";
import { InvalidRequest } from "./validate";

/** `GET /v1/models` (paged list) and `GET /v1/models/{id}`, behind the same API-key check. */
export function handleModels(
  state: SimState,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  if (!hasCredentials(req)) {
    return sendError(state, res, 401, "authentication_error", "x-api-key header is required");
  }
  try {
    if (path === "/v1/models") {
      const query = new URL(req.url ?? "/", "http://sim").searchParams;
      return sendJson(state, res, 200, JSON.stringify(listModels(query)));
    }
    const id = decodeURIComponent(path.slice("/v1/models/".length));
    const found = findModel(id);
    if (found) return sendJson(state, res, 200, JSON.stringify(found));
    sendError(state, res, 404, "not_found_error", `model: ${id}`);
  } catch (error) {
    const message = error instanceof InvalidRequest ? error.message : "Invalid request";
    sendError(state, res, 400, "invalid_request_error", message);
  }
}
