import "server-only";
import { stringify } from "csv-stringify/sync";
import type { PrismaClient } from "@/lib/db";
import type { AuditEventView } from "./actions";
import { iterateAuditEvents } from "./list";
import type { AuditFilters } from "./schemas";

export const AUDIT_CSV_COLUMNS = [
  "id",
  "createdAt",
  "action",
  "actorKind",
  "actorId",
  "actorLabel",
  "targetKind",
  "targetId",
  "targetLabel",
  "address",
  "userAgent",
  "details",
] as const;

function csvRow(e: AuditEventView): (string | null)[] {
  return [
    e.id,
    e.createdAt,
    e.action,
    e.actor.kind,
    e.actor.id,
    e.actor.label,
    e.target?.kind ?? null,
    e.target?.id ?? null,
    e.target?.label ?? null,
    e.address,
    e.userAgent,
    JSON.stringify(e.details),
  ];
}

// A label such as `=HYPERLINK(…)` (an agent's name, an attempted email) must stay text when the
// file is opened in a spreadsheet: escape_formulas prefixes such cells with a quote.
const CSV = { escape_formulas: true } as const;

/**
 * The team's audit log (filtered) as a stream of CSV or JSON bytes, a page at a time, newest
 * first. JSON is an array of the same records GET /api/audit returns.
 */
export function exportAuditEvents(args: {
  prisma: PrismaClient;
  teamId: string;
  filters: AuditFilters;
  format: "csv" | "json";
}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const pages = iterateAuditEvents(args);
  let first = true;
  return new ReadableStream({
    async start(controller) {
      controller.enqueue(
        encoder.encode(args.format === "csv" ? stringify([[...AUDIT_CSV_COLUMNS]], CSV) : "["),
      );
    },
    // One page per pull: the consumer's pace decides how fast the database is read.
    async pull(controller) {
      const next = await pages.next();
      if (next.done) {
        if (args.format === "json") controller.enqueue(encoder.encode("]\n"));
        controller.close();
        return;
      }
      const text =
        args.format === "csv"
          ? stringify(next.value.map(csvRow), CSV)
          : next.value
              .map((e, i) => `${first && i === 0 ? "" : ","}\n${JSON.stringify(e)}`)
              .join("");
      first = false;
      controller.enqueue(encoder.encode(text));
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}
