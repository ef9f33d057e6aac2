/**
 * The gateway as the built app serves it (server.mjs: the node:http front, Next's patched fetch
 * in the process), driven by the official SDK the way a program would: every endpoint an SDK or
 * Claude Code calls answers, in the API's shape. The in-process integration tests run the same
 * handlers under vitest, where fetch is Node's own; only this spec sees what the built server does.
 */
import Anthropic from "@anthropic-ai/sdk";
import { expect, test } from "./fixtures";

test("the official SDK lists and retrieves models, counts tokens and sends messages through the built gateway", async ({
  page,
  baseURL,
  account: _account,
}) => {
  const created = await page.request.post("/api/keys", { data: { name: "sdk", role: "member" } });
  expect(created.status()).toBe(201);
  const { key } = (await created.json()) as { key: string };
  // A hang must fail the test, not stall the suite: the SDK's own timeout, no retries.
  const client = new Anthropic({
    baseURL: `${baseURL}/api/anthropic`,
    apiKey: key,
    maxRetries: 0,
    timeout: 20_000,
  });

  const page1 = await client.models.list({ limit: 2 });
  expect(page1.data).toHaveLength(2);
  expect(page1.data[0]!.type).toBe("model");
  const all: string[] = [];
  for await (const model of client.models.list({ limit: 3 })) all.push(model.id);
  expect(all.length).toBeGreaterThan(3);
  expect(new Set(all).size).toBe(all.length);

  const one = await client.models.retrieve(all[0]!);
  expect(one.id).toBe(all[0]);
  await expect(client.models.retrieve("no-such-model")).rejects.toBeInstanceOf(
    Anthropic.NotFoundError,
  );

  const messages = [{ role: "user" as const, content: `sdk spec ${Date.now()}` }];
  const counted = await client.messages.countTokens({ model: all[0]!, messages });
  expect(counted.input_tokens).toBeGreaterThan(0);
  const message = await client.messages.create({ model: all[0]!, max_tokens: 32, messages });
  expect(message.type).toBe("message");
  expect(message.usage.input_tokens).toBeGreaterThan(0);

  // The models list again (the second call is where a wedged first one would show).
  expect((await client.models.list({ limit: 1 })).data).toHaveLength(1);
});
