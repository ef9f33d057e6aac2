import "server-only";
import { z } from "zod";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { hashPassword, verifyPassword } from "./password";
import { assertStrongPassword } from "./password-policy";
import { hashToken } from "./tokens";

export const updateAccountSchema = z
  .object({ name: z.string().trim().min(1, "required").max(100, "at most 100 characters") })
  .strict();

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, "required").max(200),
    newPassword: z.string().min(8, "at least 8 characters").max(200, "at most 200 characters"),
  })
  .strict();

/** Renames the signed-in person; returns the name before and after (for the audit log). */
export async function renameUser(
  prisma: PrismaClient,
  userId: string,
  input: z.infer<typeof updateAccountSchema>,
): Promise<{ id: string; email: string; name: string }> {
  const user = await prisma.user.update({ where: { id: userId }, data: { name: input.name } });
  return { id: user.id, email: user.email, name: user.name };
}

/**
 * Changes the signed-in person's password once they proved the current one, and signs out every
 * other session (a password change is what someone does when they fear another device has it).
 * The session making the change stays. Returns how many sessions were revoked.
 */
export async function changePassword(
  prisma: PrismaClient,
  args: { userId: string; sessionToken: string | undefined } & z.infer<typeof changePasswordSchema>,
): Promise<{ revokedSessions: number }> {
  const user = await prisma.user.findUnique({ where: { id: args.userId } });
  if (!user) throw new AppError("unauthorized", "sign in again");
  if (!(await verifyPassword(args.currentPassword, user.passwordHash))) {
    throw new AppError("validation_failed", "currentPassword: not your current password", {
      field: "currentPassword",
    });
  }
  try {
    assertStrongPassword(args.newPassword, { email: user.email, name: user.name });
  } catch (error) {
    // The policy names `password`; here the field is newPassword.
    if (error instanceof AppError) {
      throw new AppError("validation_failed", error.message.replace(/^password:/, "newPassword:"), {
        field: "newPassword",
      });
    }
    throw error;
  }
  const passwordHash = await hashPassword(args.newPassword);
  const keep = args.sessionToken ? hashToken(args.sessionToken) : "";
  // Called inside the audit's transaction (audited): both writes commit with the record or not at all.
  await prisma.user.update({ where: { id: user.id }, data: { passwordHash } });
  const revoked = await prisma.session.deleteMany({
    where: { userId: user.id, tokenHash: { not: keep } },
  });
  return { revokedSessions: revoked.count };
}
