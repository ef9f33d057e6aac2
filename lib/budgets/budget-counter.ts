/**
 * The enforcing counter of budget windows, in integer nano-dollars (so thousands of sub-cent
 * calls add up exactly). Each window holds what was spent and what calls in flight reserved.
 * A call is admitted while spent + reserved is below the limit, so instances sharing a counter
 * can together pass the limit by at most the last admitted call's reservation.
 */
export interface BudgetCounter {
  /**
   * Reserves `amount` on every window, or on none: refused names the first window that is full;
   * unseeded names the windows that must be seeded from the recorded costs first.
   */
  reserve(windows: readonly CounterWindow[], id: string, amount: number): Promise<ReserveResult>;
  /** Sets a window's spent to the recorded sum, unless another caller already did. */
  seed(window: CounterWindow, spent: number): Promise<void>;
  /** Releases reservation `id` (if it is still held) and adds what the call really cost. */
  settle(windows: readonly CounterWindow[], id: string, actual: number): Promise<number[]>;
  /** Spent and reserved of a window (null: never seeded). */
  read(window: CounterWindow): Promise<{ spent: number; reserved: number } | null>;
  /** Replaces a window's spent with the recorded sum (an operator's repair; reservations stay). */
  rebuild(window: CounterWindow, spent: number): Promise<void>;
}

export interface CounterWindow {
  /** Unique per budget and calendar window. */
  key: string;
  /** The limit, in nano-dollars. */
  limit: number;
  /** When the window's state may be dropped (epoch ms, after the window ends). */
  expireAt: number;
}

export type ReserveResult =
  | { kind: "ok"; spent: number[] }
  | { kind: "refused"; index: number; spent: number }
  | { kind: "unseeded"; indexes: number[] };

/** Nano-dollars per dollar. */
export const NANO = 1_000_000_000;
export const toNano = (usd: number): number => Math.round(usd * NANO);
export const fromNano = (nano: number): number => nano / NANO;

/** How long a reservation outlives a call that never settled it (a crashed process). */
export const RESERVATION_TTL_MS = 15 * 60_000;

interface MemoryWindow {
  spent: number;
  reservations: Map<string, { amount: number; expiresAt: number }>;
  expireAt: number;
}

/** One process's counter (no Redis): the same rules, in a Map. */
export function createMemoryBudgetCounter(now: () => number = Date.now): BudgetCounter {
  const windows = new Map<string, MemoryWindow>();
  const live = (key: string): MemoryWindow | undefined => {
    const w = windows.get(key);
    if (!w) return undefined;
    const t = now();
    if (w.expireAt <= t) {
      windows.delete(key);
      return undefined;
    }
    for (const [id, r] of w.reservations) if (r.expiresAt <= t) w.reservations.delete(id);
    return w;
  };
  const reservedOf = (w: MemoryWindow) =>
    [...w.reservations.values()].reduce((sum, r) => sum + r.amount, 0);
  return {
    async reserve(list, id, amount) {
      const states = list.map((w) => live(w.key));
      const unseeded = states.flatMap((s, i) => (s ? [] : [i]));
      if (unseeded.length > 0) return { kind: "unseeded", indexes: unseeded };
      const full = states.findIndex((s, i) => s!.spent + reservedOf(s!) >= list[i]!.limit);
      if (full !== -1) return { kind: "refused", index: full, spent: states[full]!.spent };
      for (const s of states)
        s!.reservations.set(id, { amount, expiresAt: now() + RESERVATION_TTL_MS });
      return { kind: "ok", spent: states.map((s) => s!.spent) };
    },
    async seed(window, spent) {
      if (live(window.key)) return;
      windows.set(window.key, { spent, reservations: new Map(), expireAt: window.expireAt });
    },
    async settle(list, id, actual) {
      return list.map((w) => {
        const s = live(w.key);
        if (!s) return 0;
        s.reservations.delete(id);
        s.spent += actual;
        return s.spent;
      });
    },
    async read(window) {
      const s = live(window.key);
      return s ? { spent: s.spent, reserved: reservedOf(s) } : null;
    },
    async rebuild(window, spent) {
      const s = live(window.key);
      if (s) s.spent = spent;
      else windows.set(window.key, { spent, reservations: new Map(), expireAt: window.expireAt });
    },
  };
}
