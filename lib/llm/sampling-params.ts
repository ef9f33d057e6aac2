/**
 * Models that refuse the sampling parameters (`temperature`, `top_p`, `top_k`) with a 400
 * "`temperature` is deprecated for this model": Claude Opus 4.7 and every model after it
 * (platform.claude.com/docs/en/about-claude/models/migration-guide). Earlier models and ids this
 * code does not know (custom deployments, the simulator's own) still take them.
 */
const WITHOUT_SAMPLING = /^claude-(opus-4-[78]|opus-5|sonnet-5|haiku-5|fable|mythos)(-|$)/;

/** The sampling parameters of a Messages request. */
export const SAMPLING_PARAMS = ["temperature", "top_p", "top_k"] as const;

/** Whether a request to `model` may carry sampling parameters. */
export function takesSamplingParams(model: string): boolean {
  return !WITHOUT_SAMPLING.test(model);
}
