import { z } from "zod";

const email = z.string().trim().max(254).pipe(z.email("a valid email address"));
const password = z.string().min(8, "at least 8 characters").max(200, "at most 200 characters");
export const roleSchema = z.enum(["owner", "admin", "member"]);

export const signUpSchema = z
  .object({
    email,
    name: z.string().trim().min(1, "required").max(100, "at most 100 characters"),
    password,
    teamName: z.string().trim().max(100, "at most 100 characters").optional(),
    invite: z.string().min(10).max(200).optional(),
  })
  .strict();

export const signInSchema = z
  .object({ email, password: z.string().min(1, "required").max(200) })
  .strict();

export const createApiKeySchema = z
  .object({
    name: z.string().trim().min(1, "required").max(100, "at most 100 characters"),
    role: roleSchema.default("member"),
    /** When the key stops working; omitted: never. At most five years ahead. */
    expiresAt: z.iso
      .datetime({ offset: true })
      .transform((v) => new Date(v))
      .refine((d) => d.getTime() > Date.now(), "must be in the future")
      .refine((d) => d.getTime() < Date.now() + 5 * 365 * 86_400_000, "at most five years ahead")
      .optional(),
  })
  .strict();

export const createInviteSchema = z.object({ role: roleSchema.default("member") }).strict();
export const updateMemberSchema = z.object({ role: roleSchema }).strict();
