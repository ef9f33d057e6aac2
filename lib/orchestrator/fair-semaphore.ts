import { AppError } from "@/lib/errors";
import type { Release, Semaphore, SemaphoreStats } from "./semaphore";

/** Who is asking for an upstream slot. Missing ids share one anonymous lane and cap. */
export interface Tenant {
  teamId?: string;
  /** The API key (or agent/run owner) inside the team, capped on its own. */
  keyId?: string;
}

export interface FairSemaphoreOptions {
  /** Permits in the whole pool. */
  limit: number;
  /**
   * The most permits one team may hold at once, so hung calls of one team cannot take the pool.
   * @default limit
   */
  perTeam?: number;
  /**
   * The most permits one key may hold at once.
   * @default perTeam
   */
  perKey?: number;
}

export interface FairSemaphoreStats extends SemaphoreStats {
  /** Teams holding or waiting for permits, with their counts (for health pages and metrics). */
  teams: { teamId: string; active: number; waiting: number }[];
}

/**
 * A counting semaphore shared by tenants: each team queues in its own lane, lanes are served
 * round-robin, and no team (or key) holds more than its cap. A team at its cap waits while the
 * others are served, so one tenant's burst or hung calls delay only that tenant.
 */
export interface FairSemaphore {
  acquire(tenant: Tenant, signal?: AbortSignal): Promise<Release>;
  /** This pool seen as a plain Semaphore whose acquisitions count against `tenant`. */
  forTenant(tenant: Tenant): Semaphore;
  stats(): FairSemaphoreStats;
}

interface Waiter {
  team: string;
  key: string;
  grant: () => void;
}

/** Waiters queued per team. Insertion order is the round-robin order: a served lane moves to the back. */
class Lanes {
  readonly #lanes = new Map<string, Waiter[]>();
  /** Waiters in all lanes. */
  size = 0;

  has(team: string): boolean {
    return this.#lanes.has(team);
  }

  lengthOf(team: string): number {
    return this.#lanes.get(team)?.length ?? 0;
  }

  teams(): Iterable<string> {
    return this.#lanes.keys();
  }

  push(waiter: Waiter): void {
    const lane = this.#lanes.get(waiter.team);
    if (lane) lane.push(waiter);
    else this.#lanes.set(waiter.team, [waiter]);
    this.size += 1;
  }

  /** Takes a waiter that gave up out of its lane (if it is still queued). */
  remove(waiter: Waiter): void {
    const lane = this.#lanes.get(waiter.team);
    const index = lane?.indexOf(waiter) ?? -1;
    if (!lane || index === -1) return;
    lane.splice(index, 1);
    this.size -= 1;
    if (lane.length === 0) this.#lanes.delete(waiter.team);
  }

  /** Dequeues the first waiter `eligible` admits, taking lanes in round-robin order. */
  next(eligible: (waiter: Waiter) => boolean): Waiter | undefined {
    for (const [team, lane] of this.#lanes) {
      const index = lane.findIndex(eligible);
      if (index === -1) continue;
      const [waiter] = lane.splice(index, 1) as [Waiter];
      this.size -= 1;
      this.#lanes.delete(team);
      if (lane.length > 0) this.#lanes.set(team, lane);
      return waiter;
    }
    return undefined;
  }
}

/** The permits held, in the pool and per team and key, and whether another fits under every cap. */
class Holdings {
  /** Permits held in the whole pool. */
  active = 0;
  /** Permits held per team (zero entries linger; see bump). */
  readonly teams = new Map<string, number>();
  readonly #keys = new Map<string, number>();

  constructor(
    readonly limit: number,
    readonly perTeam: number,
    readonly perKey: number,
  ) {}

  fits(team: string, key: string): boolean {
    return (
      this.active < this.limit &&
      (this.teams.get(team) ?? 0) < this.perTeam &&
      (this.#keys.get(key) ?? 0) < this.perKey
    );
  }

  add(team: string, key: string, by: 1 | -1): void {
    this.active += by;
    bump(this.teams, team, by);
    bump(this.#keys, key, by);
  }
}

// Idle counters stay (deleting and re-adding a Map entry per call costs more than the rest of
// an acquire) until there are enough of them to be worth pruning.
function bump(map: Map<string, number>, id: string, by: number): void {
  const n = (map.get(id) ?? 0) + by;
  if (n === 0 && map.size > 1024) map.delete(id);
  else map.set(id, n);
}

/** Pool-wide counts, and each team holding or waiting for permits. */
function statsOf(held: Holdings, lanes: Lanes): FairSemaphoreStats {
  const teams = new Set([...held.teams.keys(), ...lanes.teams()]);
  for (const [teamId, n] of held.teams) if (n === 0 && !lanes.has(teamId)) teams.delete(teamId);
  return {
    active: held.active,
    waiting: lanes.size,
    limit: held.limit,
    teams: [...teams].map((teamId) => ({
      teamId,
      active: held.teams.get(teamId) ?? 0,
      waiting: lanes.lengthOf(teamId),
    })),
  };
}

export function createFairSemaphore(options: FairSemaphoreOptions): FairSemaphore {
  const limit = options.limit;
  const perTeam = Math.min(options.perTeam ?? limit, limit);
  const perKey = Math.min(options.perKey ?? perTeam, perTeam);
  if (!(limit >= 1) || !(perTeam >= 1) || !(perKey >= 1)) {
    throw new RangeError(`Semaphore limits must be at least 1, got ${limit}/${perTeam}/${perKey}.`);
  }

  const held = new Holdings(limit, perTeam, perKey);
  const lanes = new Lanes();

  function take(team: string, key: string): Release {
    held.add(team, key, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      held.add(team, key, -1);
      dispatch();
    };
  }

  /** Grants permits to eligible waiters, one lane at a time in round-robin order. */
  function dispatch(): void {
    while (held.active < limit && lanes.size > 0) {
      const waiter = lanes.next((w) => held.fits(w.team, w.key));
      if (!waiter) return;
      waiter.grant();
    }
  }

  const lanesOf = (tenant: Tenant) => {
    const team = tenant.teamId ?? "";
    return { team, key: `${team}\u0000${tenant.keyId ?? ""}` };
  };

  function acquire(tenant: Tenant, signal?: AbortSignal): Promise<Release> {
    const { team, key } = lanesOf(tenant);
    return acquireIn(team, key, signal);
  }

  function acquireIn(team: string, key: string, signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(cancelled(signal));
    // Every eligible waiter has been served already (dispatch runs on each change), so a
    // newcomer whose lane is empty and who is under its caps takes nobody's turn.
    if (!lanes.has(team) && held.fits(team, key)) return Promise.resolve(take(team, key));
    return new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        lanes.remove(waiter);
        reject(cancelled(signal as AbortSignal));
      };
      const waiter: Waiter = {
        team,
        key,
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve(take(team, key));
        },
      };
      lanes.push(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
      // The team's queue may hold only waiters blocked by their key's cap; this one may fit.
      dispatch();
    });
  }

  const stats = () => statsOf(held, lanes);

  return {
    acquire,
    forTenant: (tenant) => {
      const { team, key } = lanesOf(tenant);
      return {
        acquire: (signal) => acquireIn(team, key, signal),
        stats: () => {
          const { active: a, waiting: w, limit: l } = stats();
          return { active: a, waiting: w, limit: l };
        },
      };
    },
    stats,
  };
}

function cancelled(signal: AbortSignal): AppError {
  return new AppError("cancelled", "Cancelled while waiting for a concurrency permit.", {
    cause: signal.reason,
  });
}
