/**
 * The gateway's upstream timeouts and its own pool, with the official SDK as the client and the
 * simulator as the upstream: a hang is cut at the first-byte timeout with the API's envelope, and
 * a full gateway pool of stalled streams does not keep a run's step from its upstream call.
 */
import Anthropic, { APIError } from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";
import { finishedRun } from "../../helpers/finished-run";

let app: AppServer;
let api: ApiClient;
let client: Anthropic;
let agentIds: Record<string, string>;

const GATEWAY_POOL = 16;

beforeAll(async () => {
  app = await startAppServer({
    GATEWAY_MAX_CONCURRENCY: String(GATEWAY_POOL),
    MAX_CONCURRENCY: "16",
    // Short enough for a test, long enough that a loaded machine still sends the stalled streams'
    // heads in time; the idle timeout stays long so stalled streams keep their permits.
    GATEWAY_FIRST_BYTE_TIMEOUT_MS: "3000",
  });
  api = new ApiClient(app.url);
  await api.signUp();
  const created = await api.post("/api/keys", { name: "timeouts", role: "member" });
  client = new Anthropic({
    baseURL: `${app.url}/api/anthropic`,
    apiKey: created.json.key,
    maxRetries: 0,
  });
  const { json } = await api.get("/api/agents");
  agentIds = Object.fromEntries(
    json.agents.map((a: { name: string; id: string }) => [a.name, a.id]),
  );
});
afterAll(async () => app?.close());

const sim = () => app.runtime.providerHandle.simulator!;
const fresh = (text: string) => `${text} ${Math.random().toString(36).slice(2)}`;

describe(`the gateway's upstream timeouts and pool on ${dbKind}`, () => {
  it("cuts a hanging upstream at the first-byte timeout with a 504 timeout_error envelope and closes the upstream request", async () => {
    const closedBefore = sim().stats().clientClosed;
    const response = await fetch(`${app.url}/api/anthropic/v1/messages`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-api-key": client.apiKey!,
        "anthropic-version": "2023-06-01",
      },
      body: JSON.stringify({
        model: "claude-sim",
        max_tokens: 50,
        messages: [{ role: "user", content: fresh("Hang [[sim:hang]]") }],
      }),
    });
    expect(response.status).toBe(504);
    expect(response.headers.get("request-id")).toBeTruthy();
    const body = await response.json();
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("timeout_error");
    expect(body.error.message).toMatch(/no response within/);
    expect(body.request_id).toBe(response.headers.get("request-id"));
    // The gateway gave up on its own upstream request too.
    await expect
      .poll(() => sim().stats().clientClosed, { timeout: 5000, interval: 20 })
      .toBeGreaterThan(closedBefore);
  });

  it("starts the first-byte clock when the call is admitted, not while it waits for outbound room", async () => {
    // A model of its own: the hold below is shared through Redis with every file running now.
    const model = `claude-sim-held-${Math.random().toString(36).slice(2, 8)}`;
    const ask = (content: string) =>
      client.messages.create({ model, max_tokens: 20, messages: [{ role: "user", content }] });
    // The upstream's 429 holds the model's outbound calls on every instance for its retry-after,
    // longer than the 3 s first-byte timeout.
    await expect(ask(fresh("Slow down [[sim:status=429,retry-after=4]]"))).rejects.toBeInstanceOf(
      APIError,
    );
    const before = sim().stats().requests;
    const message = await ask(fresh("Wait your turn"));
    expect(message.content[0]?.type).toBe("text");
    expect(sim().stats().requests).toBe(before + 1);
  });

  it("the SDK sees the cut as a retryable 504 APIError", async () => {
    const error = await client.messages
      .create({
        model: "claude-sim",
        max_tokens: 50,
        messages: [{ role: "user", content: fresh("Hang [[sim:hang]]") }],
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(504);
    await expect.poll(() => sim().stats().inFlight, { timeout: 5000, interval: 20 }).toBe(0);
  });

  it("runs a step while the gateway's whole pool is held by stalled streams", async () => {
    // Cut hangs of the tests above have left the simulator by now (the last one waits for it).
    const inFlightBefore = 0;
    const controllers = Array.from({ length: GATEWAY_POOL }, () => new AbortController());
    const streams = controllers.map(async (controller) => {
      const stream = await client.messages.create(
        {
          model: "claude-sim",
          max_tokens: 200,
          stream: true,
          messages: [{ role: "user", content: fresh("Stall [[sim:stall-after=1,tokens=50]]") }],
        },
        { signal: controller.signal },
      );
      for await (const event of stream) void event;
    });
    const settled = Promise.allSettled(streams);
    await expect
      .poll(() => sim().stats().inFlight, { timeout: 30_000, interval: 20 })
      .toBe(inFlightBefore + GATEWAY_POOL);

    const { status, json } = await api.post("/api/runs", {
      mode: "parallel",
      task: fresh("Summarise the plan"),
      agents: [agentIds.reviewer],
    });
    expect(status).toBe(201);
    const run = await finishedRun(api, json.id);
    expect(run.status).toBe("succeeded");
    // The step ran to its end while every gateway permit was still held by a stalled stream.
    expect(sim().stats().inFlight).toBe(inFlightBefore + GATEWAY_POOL);

    for (const controller of controllers) controller.abort();
    await settled;
    await expect
      .poll(() => sim().stats().inFlight, { timeout: 5000, interval: 20 })
      .toBe(inFlightBefore);
  });
});
