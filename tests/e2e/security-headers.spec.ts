import { expect, test } from "@playwright/test";

// Issue 10: Next itself serves these (next.config.mjs), so they are checked on the real server.
test("every page and API response carries the security headers, and the app still runs under its CSP", async ({
  page,
  request,
}) => {
  for (const path of ["/", "/sign-in", "/api/health"]) {
    const res = await request.get(path);
    const headers = res.headers();
    expect(headers["x-frame-options"], path).toBe("DENY");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
  }

  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto("/sign-in");
  await expect(page.getByRole("button", { name: /sign in/i })).toBeVisible();
  expect(violations).toEqual([]);
});
