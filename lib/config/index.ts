import "server-only";
import { type Env, envSchema } from "./schema";

export type { Env } from "./schema";

/** Thrown at start-up when the environment is wrong; its message names each bad variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses an environment (process.env by default). Pure apart from that one read. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join("\n")}`);
  }
  return result.data;
}

let cached: Env | undefined;

/** The process's configuration, parsed once. The only reader of process.env in the app. */
export function getConfig(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Which database and stores the configuration selects, for /api/health and logs. */
export function describeDeployment(env: Env) {
  return {
    database: env.DATABASE_URL ? ("postgres" as const) : ("pglite" as const),
    store: env.UPSTASH_REDIS_REST_URL
      ? ("upstash" as const)
      : env.REDIS_URL
        ? ("redis" as const)
        : ("memory" as const),
    provider: env.ANTHROPIC_API_KEY ? ("anthropic" as const) : ("simulator" as const),
  };
}
