import type { MemoryCache } from "./memory-cache";

/** Admin purge criteria; every given criterion must match. An empty filter purges everything. */
export interface PurgeFilter {
  key?: string;
  teamId?: string;
  agentId?: string;
  model?: string;
  /** Entries created before this instant. */
  olderThan?: Date;
}

/** Drops the L1 entries a purge filter matches; returns how many. */
export function purgeMemory(l1: MemoryCache, filter: PurgeFilter): number {
  const olderThan = filter.olderThan?.getTime();
  return l1.purge(
    (meta, key) =>
      (filter.key === undefined || key === filter.key) &&
      (filter.teamId === undefined || meta.teamId === filter.teamId) &&
      (filter.agentId === undefined || meta.agentId === filter.agentId) &&
      (filter.model === undefined || meta.model === filter.model) &&
      (olderThan === undefined || meta.createdAt < olderThan),
  );
}
