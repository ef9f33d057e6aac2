/** A budget's period: a calendar day or a calendar month. */
export type BudgetPeriod = "day" | "month";

/** One calendar window of a period in a time zone: [start, end), and its label. */
export interface BudgetWindow {
  /** 2026-12-01 for a day, 2026-12 for a month (the zone's calendar). */
  key: string;
  start: Date;
  end: Date;
}

interface Civil {
  year: number;
  month: number;
  day: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(zone, f);
  }
  return f;
}

/** The zone's wall-clock reading of an instant, as if it were UTC (ms). */
function wallClock(at: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const p of format(zone).formatToParts(at)) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
}

/**
 * The instant the zone's clock reads midnight of a civil date. The offset is taken at a first
 * guess and again at the result, so a DST change near midnight lands on the right side.
 */
function midnight(date: Civil, zone: string): Date {
  const local = Date.UTC(date.year, date.month - 1, date.day);
  let at = local - (wallClock(local, zone) - local);
  at = local - (wallClock(at, zone) - at);
  return new Date(at);
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The calendar window of `period` in `zone` that holds `at`; it resets at local midnight. */
export function budgetWindow(period: BudgetPeriod, at: Date, zone: string): BudgetWindow {
  const wall = new Date(wallClock(at.getTime(), zone));
  const year = wall.getUTCFullYear();
  const month = wall.getUTCMonth() + 1;
  if (period === "month") {
    const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
    return {
      key: `${year}-${pad(month)}`,
      start: midnight({ year, month, day: 1 }, zone),
      end: midnight({ ...next, day: 1 }, zone),
    };
  }
  const day = wall.getUTCDate();
  const tomorrow = new Date(Date.UTC(year, month - 1, day + 1));
  return {
    key: `${year}-${pad(month)}-${pad(day)}`,
    start: midnight({ year, month, day }, zone),
    end: midnight(
      {
        year: tomorrow.getUTCFullYear(),
        month: tomorrow.getUTCMonth() + 1,
        day: tomorrow.getUTCDate(),
      },
      zone,
    ),
  };
}
