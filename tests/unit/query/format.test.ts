import { describe, expect, it } from "vitest";
import {
  formatAbsolute,
  formatBytes,
  formatCount,
  formatInt,
  formatMs,
  formatPercent,
  formatRelative,
  formatUsd,
} from "@/lib/query/format";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

describe("format", () => {
  it("renders one latency format everywhere", () => {
    expect(formatMs(null)).toBe("—");
    expect(formatMs(840.4)).toBe("840 ms");
    expect(formatMs(1250)).toBe("1.25 s");
    expect(formatMs(12_500)).toBe("12.5 s");
    expect(formatMs(125_000)).toBe("2m 5s");
    expect(formatMs(5_400_000)).toBe("1.5 h");
  });

  it("renders one money format everywhere", () => {
    expect(formatUsd(undefined)).toBe("—");
    expect(formatUsd(0)).toBe("$0");
    expect(formatUsd(0.0042)).toBe("$0.0042");
    expect(formatUsd(0.5)).toBe("$0.50");
    expect(formatUsd(1234.5)).toBe("$1,234.50");
  });

  it("counts exactly below 10,000 and compactly above", () => {
    expect(formatCount(9_999)).toBe("9,999");
    expect(formatCount(12_345)).toBe("12.3K");
    expect(formatInt(100_000)).toBe("100,000");
  });

  it("formats sizes and rates", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(50 * 1024 * 1024)).toBe("50 MB");
    expect(formatPercent(0.05)).toBe("5.0%");
    expect(formatPercent(0.5)).toBe("50%");
  });

  it("says dates relative to now, past and future, and the date past a week", () => {
    expect(formatRelative(ago(10), NOW)).toBe("just now");
    expect(formatRelative(ago(180), NOW)).toBe("3 min ago");
    expect(formatRelative(ago(5 * 3600), NOW)).toBe("5 h ago");
    expect(formatRelative(ago(2 * 86_400), NOW)).toBe("2 d ago");
    expect(formatRelative(ago(-6 * 86_400), NOW)).toBe("in 6 d");
    expect(formatRelative(ago(30 * 86_400), NOW)).toBe("Nov 1");
    expect(formatRelative("not a date", NOW)).toBe("—");
  });

  it("gives the exact instant for the hover", () => {
    expect(formatAbsolute("2026-12-01T12:00:00Z")).toMatch(/Dec 1, 2026/);
  });
});
