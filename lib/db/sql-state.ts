/** SQLSTATE helpers shared by the batch writers (request log, cache statistics). */

/** The SQLSTATE of a failed query, wherever the driver adapter put it. */
export function sqlStateOf(error: unknown): string | undefined {
  const e = error as {
    code?: unknown;
    cause?: { code?: unknown };
    meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; code?: unknown } } };
  } | null;
  const candidates = [
    e?.meta?.driverAdapterError?.cause?.originalCode,
    e?.meta?.driverAdapterError?.cause?.code,
    e?.cause?.code,
    e?.code,
  ];
  return candidates.find((c): c is string => typeof c === "string" && /^[0-9A-Z]{5}$/.test(c));
}

/**
 * Class 22 (data exception: NUL, bad encoding, out of range) and 23 (integrity: the team was
 * deleted while its rows waited) are the rows' fault; anything else is the store's.
 */
export function isRowRejection(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state !== undefined && (state.startsWith("22") || state.startsWith("23"));
}
