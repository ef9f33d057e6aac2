import "server-only";
import { createHash } from "node:crypto";
import type pg from "pg";
import { pollUntil } from "./poll-until";
import { type FlightLock, keepRenewing, renewInterval } from "./cross-instance-lock";

/** One database session, as pg's PoolClient or a wrapped pg.Client provides. */
export interface LockConnection {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  /** Returns the session; `broken` asks for it to be closed, which also drops its locks. */
  release(broken?: boolean): void | Promise<void>;
}

/** A pg.Pool, or a function that opens a session. */
export type LockConnectionSource = Pick<pg.Pool, "connect"> | (() => Promise<LockConnection>);

export interface PostgresFlightLockOptions {
  /**
   * Salt mixed into the lock-key hash, so flight locks cannot collide with other advisory locks
   * (the migrator's) or with another application on the same database.
   * @default "ensemble:flight:"
   */
  namespace?: string;
  /** @default 25 */
  pollMinMs?: number;
  /** @default 200 */
  pollMaxMs?: number;
}

/**
 * Cross-instance single-flight over Postgres session advisory locks. The leader holds one session
 * for its whole flight (pg_try_advisory_lock there, pg_advisory_unlock on release); a crashed
 * holder's session ends and frees the lock. The lease is the session's `idle_session_timeout`
 * (Postgres 14+): the holder renews it with a round trip while it works, so a frozen or cut-off
 * holder's session is ended by the server, and its lock freed, within one lease. Waiters poll
 * pg_locks.
 *
 * Give it its own small pool, not Prisma's: each concurrent leader pins a connection. On PGlite
 * (one session, one process) advisory locks are re-entrant and exclude nobody; use
 * createLocalFlightLock there, which is all a single process needs.
 */
export function createPostgresFlightLock(
  source: LockConnectionSource,
  options: PostgresFlightLockOptions = {},
): FlightLock {
  const namespace = options.namespace ?? "ensemble:flight:";
  const minMs = options.pollMinMs ?? 25;
  const maxMs = options.pollMaxMs ?? 200;
  const connect = toConnect(source);

  return {
    async acquire(key, options) {
      options.signal?.throwIfAborted();
      const id = lockId(namespace, key);
      const conn = await connect();
      let ok: boolean;
      try {
        const { rows } = await conn.query(
          `SELECT pg_try_advisory_lock($1::bigint) AS ok,
                  set_config('idle_session_timeout', $2, false)`,
          [id.key, String(Math.max(1, Math.ceil(options.ttlMs)))],
        );
        ok = rows[0]?.ok === true;
      } catch (error) {
        await conn.release(true);
        throw error;
      }
      if (!ok) {
        // Back to the pool with no lease: an idle pooled session must not be ended.
        await conn.query("SELECT set_config('idle_session_timeout', '0', false)").then(
          () => conn.release(),
          () => conn.release(true),
        );
        return null;
      }
      // Any statement resets the server's idle clock: that is the renewal.
      const stopRenewing = keepRenewing(renewInterval(options), async () => {
        await conn.query("SELECT 1");
        return true;
      });
      let released: Promise<void> | undefined;
      const release = () =>
        (released ??= (async () => {
          stopRenewing();
          try {
            await conn.query(
              `SELECT pg_advisory_unlock($1::bigint), set_config('idle_session_timeout', '0', false)`,
              [id.key],
            );
            await conn.release();
          } catch {
            // Closing the session drops the lock just as surely as unlocking it.
            await conn.release(true);
          }
        })());
      return { release };
    },

    async waitForRelease(key, { signal, timeoutMs }) {
      const id = lockId(namespace, key);
      await pollUntil(() => isFree(connect, id), { timeoutMs, minMs, maxMs, signal });
    },
  };
}

interface LockId {
  /** The signed 64-bit key, as text for pg. */
  key: string;
  /** How pg_locks shows a bigint advisory key: high and low 32 bits as unsigned oids. */
  classid: string;
  objid: string;
}

/** First 8 bytes of SHA-256: stable across processes and versions, unlike an in-DB hash. */
function lockId(namespace: string, key: string): LockId {
  const digest = createHash("sha256")
    .update(namespace + key)
    .digest();
  return {
    key: digest.readBigInt64BE(0).toString(),
    classid: String(digest.readUInt32BE(0)),
    objid: String(digest.readUInt32BE(4)),
  };
}

/** Looks at pg_locks instead of trying the lock, so a waiter never blocks a would-be leader. */
async function isFree(connect: () => Promise<LockConnection>, id: LockId): Promise<boolean> {
  const conn = await connect();
  try {
    const { rows } = await conn.query(
      `SELECT NOT EXISTS (
         SELECT 1 FROM pg_locks
         WHERE locktype = 'advisory' AND granted AND objsubid = 1
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND classid = $1::oid AND objid = $2::oid
       ) AS free`,
      [id.classid, id.objid],
    );
    await conn.release();
    return rows[0]?.free === true;
  } catch (error) {
    await conn.release(true);
    throw error;
  }
}

function toConnect(source: LockConnectionSource): () => Promise<LockConnection> {
  if (typeof source === "function") return source;
  return async () => {
    const client = await source.connect();
    // A session the server ended (a lapsed lease) errors while checked out; without a listener
    // that error would be thrown at the process. The next query fails and releases it as broken.
    const ignore = () => {};
    client.on("error", ignore);
    return {
      query: (sql, params) => client.query(sql, params),
      release: (broken) => {
        client.off("error", ignore);
        client.release(broken === true ? true : undefined);
      },
    };
  };
}
