import { AppError } from "@/lib/errors";
import { parseRetryAfterMs } from "./retry-after";

/** What /api/health shows of the keys: counts and positions, never a key or a piece of one. */
export interface UpstreamKeysReport {
  total: number;
  active: number;
  /** Keys the upstream refused (401), by their 1-based position in ANTHROPIC_API_KEY. */
  refused: { position: number; since: string }[];
}

/**
 * The server's upstream keys (ANTHROPIC_API_KEY may list several, comma-separated). Calls spread
 * over them by what the upstream last said each has left; a key the upstream refuses (401) is
 * taken out until the process restarts; one that answered 429 rests until its retry-after.
 */
export interface UpstreamKeys {
  /** The key for the next Messages call; `done` must follow once its answer (or failure) is in. */
  pick(): string;
  /** What the upstream answered to a call made with `key` (`status` null: no answer). */
  done(key: string, status: number | null, headers?: Headers): void;
  /**
   * The key for calls that must always use the same one (Files, Message Batches: their objects
   * belong to the key's workspace): the first key not refused.
   */
  primary(): string;
  /** Takes `key` out: the upstream refused it (401) on a call that did not go through `pick`. */
  refuse(key: string): void;
  /** Whether a key other than `key` is still usable (a refused call may try it). */
  hasOtherThan(key: string): boolean;
  report(): UpstreamKeysReport;
  /** Every key, for redaction. */
  readonly all: readonly string[];
}

interface KeyState {
  key: string;
  position: number;
  inFlight: number;
  /** min over the rate-limit dimensions of remaining / limit, from the last answer; 1 unknown. */
  headroom: number;
  restUntil: number;
  refusedAt: number | null;
  lastPicked: number;
}

const DIMENSIONS = ["requests", "input-tokens", "output-tokens", "tokens"] as const;

/** The keys of a comma-separated ANTHROPIC_API_KEY, trimmed, empties and repeats dropped. */
export function parseKeyList(value: string): string[] {
  return [...new Set(value.split(",").map((k) => k.trim()))].filter((k) => k !== "");
}

/** min(remaining / limit) over the dimensions the answer reports; undefined when it reports none. */
function headroomOf(headers: Headers): number | undefined {
  let headroom: number | undefined;
  for (const dimension of DIMENSIONS) {
    const limit = Number(headers.get(`anthropic-ratelimit-${dimension}-limit`));
    const remaining = Number(headers.get(`anthropic-ratelimit-${dimension}-remaining`) ?? NaN);
    if (!(limit > 0) || !Number.isFinite(remaining)) continue;
    headroom = Math.min(headroom ?? 1, Math.max(0, remaining / limit));
  }
  return headroom;
}

export function createUpstreamKeys(keys: readonly string[], now = () => Date.now()): UpstreamKeys {
  if (keys.length === 0) throw new Error("createUpstreamKeys needs at least one key");
  const states: KeyState[] = keys.map((key, i) => ({
    key,
    position: i + 1,
    inFlight: 0,
    headroom: 1,
    restUntil: 0,
    refusedAt: null,
    lastPicked: 0,
  }));
  const byKey = new Map(states.map((s) => [s.key, s]));
  let picks = 0;

  const usable = () => states.filter((s) => s.refusedAt === null);
  const refusedError = () =>
    new AppError("upstream_auth", "The Anthropic API refused every configured key", {
      details: { keys: states.length },
    });

  // Headroom shared by the calls already in flight on a key, so a burst between two answers
  // spreads instead of piling onto the key that looked best; ties go to the least recently used.
  const score = (s: KeyState) => s.headroom / (1 + s.inFlight);

  return {
    all: keys,
    pick() {
      const candidates = usable();
      if (candidates.length === 0) throw refusedError();
      const t = now();
      const awake = candidates.filter((s) => s.restUntil <= t);
      // Every key resting: the one that wakes first (the outbound limiter holds the model anyway).
      const pool =
        awake.length > 0
          ? awake
          : [candidates.reduce((a, b) => (b.restUntil < a.restUntil ? b : a))];
      let best = pool[0]!;
      for (const s of pool) {
        const better = score(s) - score(best);
        if (better > 1e-9 || (Math.abs(better) <= 1e-9 && s.lastPicked < best.lastPicked)) best = s;
      }
      best.inFlight += 1;
      best.lastPicked = ++picks;
      return best.key;
    },
    done(key, status, headers) {
      const s = byKey.get(key);
      if (!s) return;
      s.inFlight = Math.max(0, s.inFlight - 1);
      if (status === 401 && s.refusedAt === null) s.refusedAt = now();
      if (!headers) return;
      const headroom = headroomOf(headers);
      if (headroom !== undefined) s.headroom = headroom;
      if (status === 429) s.restUntil = now() + (parseRetryAfterMs(headers, now()) ?? 1000);
    },
    refuse(key) {
      const s = byKey.get(key);
      if (s && s.refusedAt === null) s.refusedAt = now();
    },
    primary() {
      const first = usable()[0];
      if (!first) throw refusedError();
      return first.key;
    },
    hasOtherThan(key) {
      return states.some((s) => s.key !== key && s.refusedAt === null);
    },
    report() {
      const refused = states.filter((s) => s.refusedAt !== null);
      return {
        total: states.length,
        active: states.length - refused.length,
        refused: refused.map((s) => ({
          position: s.position,
          since: new Date(s.refusedAt!).toISOString(),
        })),
      };
    },
  };
}
