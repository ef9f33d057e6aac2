import type { L2Store } from "./l2-store";

export interface KeyPresenceOptions {
  /** Every key the store holds now (read at start, and again when the set outgrows `maxKeys`). */
  loadKeys(): Promise<string[]>;
  /** Past this many remembered keys, the set is rebuilt from the store. */
  maxKeys: number;
  /** Told when a load fails (the store is then read for every miss until the next load). */
  onError?(error: unknown): void;
}

/** A key as a number: its first 52 bits (13 hex digits); null for a key that is not hex. */
function fingerprint(key: string): number | null {
  const n = Number.parseInt(key.slice(0, 13), 16);
  return key.length >= 13 && Number.isSafeInteger(n) ? n : null;
}

/**
 * L2 with a memory of which keys it holds, for a store that only this process writes — embedded
 * PGlite, whose data directory one process owns. A miss then costs no database read at all: on
 * PGlite a read is ~1 ms of this process's CPU, as much as the rest of a miss together. Deletes
 * this process does not see (the sweep, admin purges) leave stale keys, which only cost the read
 * they would have cost anyway; the set is rebuilt from the store when it grows past `maxKeys`
 * (the old set answers meanwhile). Until the first load completes, every key may be present.
 */
export function withKeyPresence<S extends L2Store>(store: S, options: KeyPresenceOptions): S {
  let known = new Set<number>();
  let ready = false;
  /** The set a load is building, while it runs: keys written meanwhile go into both. */
  let building: Set<number> | null = null;
  /** Keys with a write in flight: a load's snapshot may miss their rows, so they are carried over. */
  const writing = new Map<number, number>();

  async function load(): Promise<void> {
    const next = new Set<number>(writing.keys());
    building = next;
    try {
      for (const key of await options.loadKeys()) {
        const print = fingerprint(key);
        if (print !== null) next.add(print);
      }
      known = next;
      ready = true;
    } catch (error) {
      options.onError?.(error);
    } finally {
      building = null;
    }
  }
  void load();

  async function written(keys: string[], write: () => Promise<void>): Promise<void> {
    const prints = keys.map(fingerprint).filter((print) => print !== null);
    for (const print of prints) {
      known.add(print);
      building?.add(print);
      writing.set(print, (writing.get(print) ?? 0) + 1);
    }
    if (known.size > options.maxKeys && building === null) void load();
    try {
      await write();
    } finally {
      for (const print of prints) {
        const left = (writing.get(print) ?? 1) - 1;
        if (left > 0) writing.set(print, left);
        else writing.delete(print);
      }
    }
  }

  const wrapped: L2Store = {
    get: (key) => store.get(key),
    put: (entry) => written([entry.key], () => store.put(entry)),
    async delete(key, only) {
      const print = fingerprint(key);
      // A conditional delete may leave a newer row: the key stays "maybe present".
      if (print !== null && only === undefined) {
        known.delete(print);
        building?.delete(print);
      }
      await store.delete(key, only);
    },
    touch: (key, at, hits) => store.touch(key, at, hits),
    mayContain(key) {
      const print = fingerprint(key);
      return !ready || print === null || known.has(print);
    },
  };
  if (store.putMany) {
    const putMany = store.putMany.bind(store);
    wrapped.putMany = (entries) =>
      written(
        entries.map((entry) => entry.key),
        () => putMany(entries),
      );
  }
  if (store.touchMany) wrapped.touchMany = store.touchMany.bind(store);
  return Object.assign(Object.create(null) as object, store, wrapped) as S;
}
