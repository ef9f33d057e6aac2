import type { APIRequestContext, Browser, Page } from "@playwright/test";
import { isFinished } from "@/lib/runs/status";
import type { RunStatus } from "@/lib/runs/run-view";
import { expect } from "./fixtures";

export interface AgentRow {
  id: string;
  name: string;
  temperature: number;
}

export async function listAgents(request: APIRequestContext): Promise<AgentRow[]> {
  const response = await request.get("/api/agents");
  expect(response.status()).toBe(200);
  return ((await response.json()) as { agents: AgentRow[] }).agents;
}

/** Starts a run through the API; returns its id. */
export async function startRun(request: APIRequestContext, body: unknown): Promise<string> {
  const started = await request.post("/api/runs", { data: body });
  expect(started.status(), await started.text()).toBe(201);
  return ((await started.json()) as { id: string }).id;
}

/** Waits until the run has finished (any terminal status) and returns that status. */
export async function waitForRun(request: APIRequestContext, id: string): Promise<RunStatus> {
  let status: RunStatus = "queued";
  await expect
    .poll(
      async () => {
        const res = await request.get(`/api/runs/${id}`);
        status = ((await res.json()) as { run: { status: RunStatus } }).run.status;
        return isFinished(status);
      },
      { timeout: 45_000, message: `run ${id} did not finish` },
    )
    .toBe(true);
  return status;
}

/**
 * Signs up a member of `owner`'s team through an invite, in a new browser context, and returns
 * its page (signed in). The caller closes the context.
 */
export async function signUpInvitedMember(owner: Page, browser: Browser) {
  const invite = await owner.request.post("/api/team/invites", { data: { role: "member" } });
  expect(invite.status(), await invite.text()).toBe(201);
  const { token } = ((await invite.json()) as { invite: { token: string } }).invite;
  const context = await browser.newContext({ baseURL: new URL(owner.url()).origin });
  const page = await context.newPage();
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const signUp = await page.request.post("/api/auth/sign-up", {
    data: {
      email: `member-${suffix}@example.test`,
      name: `Member ${suffix.slice(-4)}`,
      password: "member password 123",
      invite: token,
    },
  });
  expect(signUp.status(), await signUp.text()).toBe(201);
  return { context, page };
}
