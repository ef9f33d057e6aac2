import path from "node:path";
import { pathToFileURL } from "node:url";
import type { NextConfig } from "next";
import { describe, expect, it } from "vitest";

/** next.config.mjs is plain JavaScript (Next loads it itself); imported here by URL. */
async function loadNextConfig(): Promise<NextConfig> {
  const url = pathToFileURL(path.resolve("next.config.mjs")).href;
  return ((await import(/* @vite-ignore */ url)) as { default: NextConfig }).default;
}

describe("security headers (issue 10)", () => {
  it("are sent with every page and API response", async () => {
    const rules = await (await loadNextConfig()).headers!();
    const all = rules.find((r) => r.source === "/:path*");
    expect(all).toBeDefined();
    const headers = Object.fromEntries(all!.headers.map((h) => [h.key.toLowerCase(), h.value]));
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    const csp = headers["content-security-policy"]!;
    for (const directive of [
      "default-src 'self'",
      "frame-ancestors 'none'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
    ]) {
      expect(csp).toContain(directive);
    }
    // Nothing from another origin may run.
    expect(csp).not.toMatch(/script-src[^;]*(https?:|\*)/);
  });
});
