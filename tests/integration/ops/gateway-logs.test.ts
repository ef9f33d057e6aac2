/**
 * Structured logs of gateway requests (issue 14, item 2): every line written while a request is
 * served carries that request's id — the `request-id` the gateway returned when it answered
 * itself — there is one access line per request, and no prompt, key or secret reaches the log at
 * any level, even for refused and failed requests.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";
import { captureLogs } from "../../helpers/log-capture";

const PROMPT = `the launch codes are ${Math.random().toString(36).slice(2)}`;
let app: AppServer;
let key: string;
let logs: ReturnType<typeof captureLogs>;

beforeAll(async () => {
  logs = captureLogs();
  app = await startAppServer({ LOG_LEVEL: "debug" });
  const api = new ApiClient(app.url);
  await api.signUp();
  key = (await api.post("/api/keys", { name: "logs", role: "member" })).json.key;
});
afterAll(async () => app?.close());

const call = (content: string, apiKey = key, extra: Record<string, string> = {}) =>
  fetch(`${app.url}/api/anthropic/v1/messages`, {
    method: "POST",
    headers: {
      "x-api-key": apiKey,
      "anthropic-version": "2023-06-01",
      "content-type": "application/json",
      ...extra,
    },
    body: JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 32,
      temperature: 0,
      stream: true,
      messages: [{ role: "user", content }],
    }),
  });

describe(`gateway request logs on ${dbKind}`, () => {
  it("ties every line of a request to its id, and writes one access line for it", async () => {
    const cases = [
      { name: "miss", send: () => call(PROMPT) },
      { name: "hit", send: () => call(PROMPT) },
      { name: "upstream error", send: () => call(`[[sim:status=529]] ${PROMPT}`) },
      { name: "unknown key", send: () => call(PROMPT, "ens_notARealKeyAtAll123456") },
    ];
    for (const c of cases) {
      const from = logs.lines.length;
      const response = await c.send();
      await response.text();
      // The access line is written when the exchange ends: wait for it, not for a time.
      await expect
        .poll(() => logs.lines.slice(from).some((l) => l.scope === "ensemble:access"))
        .toBe(true);
      const lines = logs.lines
        .slice(from)
        .filter((l) => l.requestId !== undefined || isRequestWork(l));
      const access = lines.filter((l) => l.scope === "ensemble:access");
      expect(access, c.name).toHaveLength(1);
      const id = access[0]!.requestId as string;
      expect(id).toMatch(/^req_/);
      for (const line of lines)
        expect(line.requestId, `${c.name}: ${JSON.stringify(line)}`).toBe(id);
      // Answers the gateway gave itself carry its id; the upstream's keep the upstream's, which
      // the access line names beside ours.
      if (c.name === "hit" || c.name === "unknown key") {
        expect(response.headers.get("request-id")).toBe(id);
      } else {
        expect(access[0]!.upstreamRequestId).toBe(response.headers.get("request-id"));
      }
      expect(access[0]).toMatchObject({ method: "POST", route: "/api/anthropic/v1/messages" });
    }
  });

  it("never writes the prompt, the API key or the signing secret", () => {
    const text = logs.text();
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain(PROMPT);
    expect(text).not.toContain(key);
    expect(text).not.toContain("ens_notARealKeyAtAll123456");
    if (process.env.CACHE_HMAC_SECRET) expect(text).not.toContain(process.env.CACHE_HMAC_SECRET);
  });
});

/** Lines of the gateway's own request handling (not background writers or the simulator). */
function isRequestWork(line: Record<string, unknown>): boolean {
  return typeof line.scope === "string" && /^ensemble:(gateway|access)/.test(line.scope);
}
