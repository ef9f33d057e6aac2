/** How long each kind of record is kept. Ages are in days; 0 keeps that kind forever. */
export interface RetentionPolicy {
  /**
   * Finished runs, with their steps (cascade), by the time they were created.
   * @default 90
   */
  runsDays: number;
  /**
   * The gateway's request log.
   * @default 30
   */
  requestLogDays: number;
  /**
   * Cache statistics are kept per minute this long, then rolled up into hours.
   * @default 7
   */
  statsMinuteDays: number;
  /**
   * Hourly statistics are kept this long, then rolled up into days.
   * @default 90
   */
  statsHourDays: number;
  /**
   * Cache-warming jobs' progress rows.
   * @default 30
   */
  warmJobsDays: number;
  /**
   * The audit log (lib/audit), team-less records (failed sign-ins for unknown emails) included.
   * @default 365
   */
  auditDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  runsDays: 90,
  requestLogDays: 30,
  statsMinuteDays: 7,
  statsHourDays: 90,
  warmJobsDays: 30,
  auditDays: 365,
};

/** What one sweep removed, by kind (also logged and exported as metrics). */
export interface SweepCounts {
  runs: number;
  requestLog: number;
  statsRolledToHours: number;
  statsRolledToDays: number;
  sessions: number;
  invites: number;
  warmJobs: number;
  audit: number;
}

const DAY_MS = 24 * 3600 * 1000;

/** The instant before which records of `days` age are removed (null: keep forever). */
export function cutoff(now: Date, days: number): Date | null {
  return days > 0 ? new Date(now.getTime() - days * DAY_MS) : null;
}
