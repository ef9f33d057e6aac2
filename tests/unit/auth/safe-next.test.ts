import { describe, expect, it } from "vitest";
import { safeNext } from "@/components/auth/safe-next";

/** What a browser does with the target: resolve it against our origin. */
const landsOn = (target: string) => new URL(target, "https://ensemble.example").origin;

describe("finding 2: the post-sign-in redirect stays on this site", () => {
  it.each([
    ["a tab before a second slash (?next=/%09/evil.example/)", "/\t/evil.example/"],
    ["a newline (?next=/%0a/evil.example/)", "/\n/evil.example/"],
    ["a carriage return (?next=/%0d/evil.example/)", "/\r/evil.example/"],
    ["a protocol-relative URL", "//evil.example/"],
    ["a backslash", "/\\evil.example/"],
    ["backslashes mixed with tabs", "/\t\\\\evil.example"],
    ["an absolute URL", "https://evil.example/"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a leading space", " //evil.example"],
  ])("refuses %s", (_why, target) => {
    const next = safeNext(target);
    expect(next).toBe("/");
    expect(landsOn(next)).toBe("https://ensemble.example");
  });

  it("keeps same-origin paths, query and fragment, normalised", () => {
    expect(safeNext("/runs/abc?tab=steps#s1")).toBe("/runs/abc?tab=steps#s1");
    expect(safeNext("/agents/../cache")).toBe("/cache");
    expect(safeNext("/%09/still-here")).toBe("/%09/still-here");
    expect(landsOn(safeNext("/%2F/evil.example"))).toBe("https://ensemble.example");
  });

  it("never sends someone back to the sign-in or sign-up form, nor anywhere for no target", () => {
    expect(safeNext("/sign-in?next=/x")).toBe("/");
    expect(safeNext("/sign-up")).toBe("/");
    expect(safeNext(undefined)).toBe("/");
    expect(safeNext(["/runs", "//evil.example"])).toBe("/runs");
  });
});
