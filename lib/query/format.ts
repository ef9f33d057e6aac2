/**
 * The one display format of numbers, money, durations and dates in the browser. Pure: the date
 * functions take `now`, so the same instant reads the same everywhere and tests need no clock.
 */

const integer = new Intl.NumberFormat("en-US");
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

/** Every digit, grouped: "12,345". For counters a person compares exactly (characters, limits). */
export function formatInt(n: number): string {
  return integer.format(n);
}

/** Tokens, hits, requests: exact below 10,000, then compact ("12.3K"). */
export function formatCount(n: number): string {
  return Math.abs(n) < 10_000 ? integer.format(n) : compact.format(n);
}

/** US dollars: "$0", sub-cent amounts to four places ("$0.0042"), else cents ("$1,234.50"). */
export function formatUsd(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || Number.isNaN(usd)) return "—";
  if (usd === 0) return "$0";
  if (Math.abs(usd) < 0.01) return `$${usd.toFixed(4)}`;
  return usd.toLocaleString("en-US", {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
}

/** A latency or duration: "840 ms", "1.25 s", "12.5 s", "2m 5s", "1.5 h". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3_600_000) {
    const minutes = Math.floor(ms / 60_000);
    return `${minutes}m ${Math.round((ms % 60_000) / 1000)}s`;
  }
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A fraction as a percentage, with one decimal below 10 % so small rates do not read as 0 %. */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction > 0 && fraction < 0.1 ? 1 : 0)}%`;
}

const absolute = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});
const dayOnly = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric" });
const timeOnly = new Intl.DateTimeFormat("en-US", { hour: "2-digit", minute: "2-digit" });

/** The exact instant, for a tooltip: "Dec 1, 2026, 01:09 AM". */
export function formatAbsolute(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? "—" : absolute.format(ms);
}

const UNITS: ReadonlyArray<readonly [limitSeconds: number, seconds: number, unit: string]> = [
  [3600, 60, "min"],
  [86_400, 3600, "h"],
  [7 * 86_400, 86_400, "d"],
];

/**
 * The one date format of the app: "just now", "3 min ago", "5 h ago", "2 d ago", "in 6 d";
 * the date ("Nov 3") past a week either way. Shown with formatAbsolute on hover (RelativeTime).
 */
export function formatRelative(iso: string, now: number): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return "—";
  const seconds = Math.round((now - ms) / 1000);
  const magnitude = Math.abs(seconds);
  if (magnitude < 45) return "just now";
  for (const [limit, size, unit] of UNITS) {
    if (magnitude < limit) {
      const n = Math.max(1, Math.round(magnitude / size));
      return seconds > 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
    }
  }
  return dayOnly.format(ms);
}

/** A chart's time axis: hours over a day, dates over longer ranges. */
export function formatTick(iso: string, range: string): string {
  const ms = Date.parse(iso);
  return range === "24h" ? timeOnly.format(ms) : dayOnly.format(ms);
}
