import { randomBytes } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { withKeyPresence } from "@/lib/cache/key-presence";
import type { StoredEntry } from "@/lib/cache/l2-store";
import { createMemoryL2Store } from "./fixtures/memory-l2-store";

const key = () => randomBytes(32).toString("hex");
const entry = (k: string) => ({ key: k, teamId: "t" }) as StoredEntry;

describe("withKeyPresence", () => {
  it("knows every key the store held at start and every key written since", async () => {
    const store = createMemoryL2Store();
    const old = key();
    const presence = withKeyPresence(store, { loadKeys: async () => [old], maxKeys: 100 });
    const fresh = key();
    await vi.waitFor(() => expect(presence.mayContain!(fresh)).toBe(false));
    expect(presence.mayContain!(old)).toBe(true);
    await presence.put(entry(fresh));
    expect(presence.mayContain!(fresh)).toBe(true);
    const batch = [key(), key()];
    await presence.putMany?.(batch.map(entry));
    await presence.delete(old);
    expect(presence.mayContain!(old)).toBe(false);
  });

  it("says every key may be present until its list is loaded, and after a failed load", async () => {
    let finish!: (keys: string[]) => void;
    const presence = withKeyPresence(createMemoryL2Store(), {
      loadKeys: () => new Promise((resolve) => (finish = resolve)),
      maxKeys: 100,
    });
    const k = key();
    expect(presence.mayContain!(k)).toBe(true);
    finish([]);
    await vi.waitFor(() => expect(presence.mayContain!(k)).toBe(false));

    const onError = vi.fn();
    const failing = withKeyPresence(createMemoryL2Store(), {
      loadKeys: async () => Promise.reject(new Error("down")),
      maxKeys: 100,
      onError,
    });
    await vi.waitFor(() => expect(onError).toHaveBeenCalled());
    expect(failing.mayContain!(k)).toBe(true);
  });

  it("rebuilds its set from the store once it remembers more than maxKeys", async () => {
    const store = createMemoryL2Store();
    const loads = vi.fn(async () => [...store.rows.keys()]);
    const presence = withKeyPresence(store, { loadKeys: loads, maxKeys: 3 });
    await vi.waitFor(() => expect(loads).toHaveBeenCalledTimes(1));
    const keys = [key(), key(), key(), key()];
    for (const k of keys.slice(0, 3)) await presence.put(entry(k));
    expect(loads).toHaveBeenCalledTimes(1);
    // A sweep this process did not see removes two rows; the fourth write outgrows the set.
    store.rows.delete(keys[0]!);
    store.rows.delete(keys[1]!);
    await presence.put(entry(keys[3]!));
    expect(loads).toHaveBeenCalledTimes(2);
    await vi.waitFor(() => expect(presence.mayContain!(keys[0]!)).toBe(false));
    expect(keys.map((k) => presence.mayContain!(k))).toEqual([false, false, true, true]);
  });

  it("passes reads through and treats a key that is not hex as possibly present", async () => {
    const store = createMemoryL2Store();
    const presence = withKeyPresence(store, { loadKeys: async () => [], maxKeys: 10 });
    await vi.waitFor(() => expect(presence.mayContain!(key())).toBe(false));
    expect(presence.mayContain!("not-a-hex-key")).toBe(true);
    expect(await presence.get(key())).toBeNull();
    expect(store.calls.get).toBe(1);
  });
});
