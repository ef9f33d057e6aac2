import { z } from "zod";
import { AUDIT_ACTION_NAMES, AUDIT_TARGET_KIND_NAMES } from "./actions";

/** The filters GET /api/audit and its export share. */
const filters = {
  action: z.enum(AUDIT_ACTION_NAMES).optional(),
  /** A user or key id, or its label (an email, a key prefix as shown). */
  actor: z.string().trim().min(1).max(254).optional(),
  targetKind: z.enum(AUDIT_TARGET_KIND_NAMES).optional(),
  since: z.iso.datetime({ offset: true }).pipe(z.coerce.date()).optional(),
  until: z.iso.datetime({ offset: true }).pipe(z.coerce.date()).optional(),
};

function sinceBeforeUntil(f: { since?: Date; until?: Date }) {
  return !f.since || !f.until || f.since <= f.until;
}
const ORDER = { message: "until must not be before since", path: ["until"] };

export const auditListQuerySchema = z
  .object({
    ...filters,
    /** The last id of the previous page. */
    cursor: z
      .string()
      .regex(/^[a-z0-9]{1,40}$/, "not a cursor from this list")
      .optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict()
  .refine(sinceBeforeUntil, ORDER);

export const auditExportQuerySchema = z
  .object({ ...filters, format: z.enum(["csv", "json"]).default("csv") })
  .strict()
  .refine(sinceBeforeUntil, ORDER);

export type AuditFilters = Pick<
  z.infer<typeof auditListQuerySchema>,
  "action" | "actor" | "targetKind" | "since" | "until"
>;
