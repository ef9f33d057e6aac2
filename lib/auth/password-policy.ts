import "server-only";
import { estimateStrength } from "@/lib/config/strength-estimator";
import { AppError } from "@/lib/errors";

/** zxcvbn's score 3: about 10^8 guesses or more ("safely unguessable" online, with our limits). */
const MIN_SCORE = 3;

/**
 * Refuses a password a cracker would guess early: common passwords, words with l33t
 * substitutions, keyboard walks, dates, or the person's own email or name. Length alone (the
 * old rule) let `password` through. The message says why and what would help.
 */
export function assertStrongPassword(
  password: string,
  context: { email: string; name?: string },
): void {
  const inputs = [context.email, context.email.split("@")[0] ?? "", context.name ?? ""].filter(
    Boolean,
  );
  const estimate = estimateStrength(password, inputs);
  if (estimate.score >= MIN_SCORE) return;
  const why = estimate.warning ?? "This password is too easy to guess.";
  const help = estimate.suggestions[0] ?? "Use a few uncommon words together.";
  throw new AppError("validation_failed", `password: ${why} ${help}`, {
    field: "password",
    details: { score: estimate.score, minimumScore: MIN_SCORE },
  });
}
