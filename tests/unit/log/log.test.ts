import { describe, expect, it } from "vitest";
import { logger, sdkLogger } from "@/lib/log";
import { withLogContext } from "@/lib/log-context";
import { captureLogs } from "../../helpers/log-capture";

describe("the structured logger", () => {
  it("writes JSON lines with level, scope and the work's ids from the async context", async () => {
    const logs = captureLogs();
    await withLogContext({ requestId: "req_abc", teamId: "team_1" }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      await withLogContext({ runId: "run_1", stepKey: "s1" }, async () =>
        logger.child("runs").warn("step slow", { attempt: 2 }),
      );
    });
    logger.info("outside");
    const [inside, outside] = logs.lines;
    expect(inside).toMatchObject({
      level: "warn",
      scope: "ensemble:runs",
      msg: "step slow",
      attempt: 2,
      requestId: "req_abc",
      teamId: "team_1",
      runId: "run_1",
      stepKey: "s1",
    });
    expect(typeof inside!.time).toBe("string");
    expect(outside).not.toHaveProperty("requestId");
  });

  it("masks keys and secrets in messages and fields, and never writes prompts", () => {
    const logs = captureLogs();
    const log = logger.child("test");
    log.error(
      "upstream said: authorization: Bearer sk-ant-api03-SECRETVALUE and x-api-key=ens_abcdefghijkl",
    );
    log.warn("request", {
      headers: { authorization: "Bearer ens_zzzzzzzzzzzz", "x-api-key": "ens_yyyyyyyyyyyy" },
      password: "hunter2-correct-horse",
      messages: [{ role: "user", content: "my secret plan for the launch" }],
      system: "You are a confidential assistant",
      nested: { apiKey: "plain-value-123" },
    });
    sdkLogger().warn("retrying with", { apiKey: "sk-ant-api03-FROMSDK" });
    const text = logs.text();
    for (const secret of [
      "SECRETVALUE",
      "ens_abcdefghijkl",
      "ens_zzzzzzzzzzzz",
      "ens_yyyyyyyyyyyy",
      "hunter2",
      "secret plan",
      "confidential assistant",
      "plain-value-123",
      "FROMSDK",
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("[redacted]");
    expect(logs.lines).toHaveLength(3);
  });
});
