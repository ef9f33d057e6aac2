import "server-only";
import {
  accumulate,
  decodeStored,
  decrypt,
  type Secret,
  type StoredEntry,
  verify,
} from "@/lib/cache";
import { frameData, frameEventName, SseFrameSplitter } from "@/lib/cache/sse-frames";

/** The keys an admin needs to open an L2 row: the HMAC secret and, if set, the AES key. */
export interface EntryKeys {
  secret: Secret;
  encryptionKey?: Uint8Array;
}

/** The row's request as stored (decrypted when encryption is on); null when unreadable. */
export function openRequest(row: StoredEntry, keys: EntryKeys): unknown {
  const stored = row.request as { encrypted?: unknown } | null;
  if (!row.encrypted || typeof stored?.encrypted !== "string") return row.request;
  if (keys.encryptionKey === undefined) return null;
  try {
    return JSON.parse(decrypt(stored.encrypted, keys.encryptionKey)) as unknown;
  } catch {
    return null;
  }
}

/**
 * An L2 row opened for an admin: its HMAC checked against the row's own tenant and model, its
 * answer decoded (a stored stream shown as the message the SDK accumulates from it).
 * `verified: false` means tampered.
 */
export async function openEntry(
  row: StoredEntry,
  keys: EntryKeys,
): Promise<{ verified: boolean; request: unknown; response: unknown }> {
  const verified = verify(
    {
      key: row.key,
      tenant: row.teamId,
      model: row.model,
      response: row.response,
      request: row.request,
    },
    row.hmac,
    keys.secret,
  );
  const request = openRequest(row, keys);
  try {
    if (row.encrypted && keys.encryptionKey === undefined)
      return { verified, request, response: null };
    const text = row.encrypted ? decrypt(row.response, keys.encryptionKey!) : row.response;
    const stored = decodeStored(text);
    if (stored.format === "json") return { verified, request, response: JSON.parse(stored.body) };
    const lines = new SseFrameSplitter()
      .push(stored.body)
      .filter((frame) => !["ping", null].includes(frameEventName(frame)))
      .map(frameData);
    return { verified, request, response: await accumulate(lines) };
  } catch {
    return { verified, request, response: null };
  }
}
