import "server-only";
import { createRequire } from "node:module";
import pino, { type DestinationStream, type Logger as Pino } from "pino";
import { getConfig } from "@/lib/config";
import { currentLogContext } from "@/lib/log-context";

// Anything shaped like a credential is masked before a line is written, whatever the caller passed.
const SECRET_PATTERNS = [
  /sk-ant-[A-Za-z0-9_-]+/g,
  /ens_[A-Za-z0-9_-]{8,}/g,
  /(authorization|x-api-key|api[_-]?key|token|secret|password)(\\?["']?\s*[:=]\s*\\?["']?(?:bearer\s+)?)([^\s"'\\,}]+)/gi,
];

export function redact(text: string): string {
  return SECRET_PATTERNS.reduce(
    (out, pattern) =>
      // Patterns without groups get (match, offset, text): only a string group is a key.
      out.replace(pattern, (_match, key: unknown, sep: unknown) =>
        typeof key === "string" && typeof sep === "string"
          ? `${key}${sep}[redacted]`
          : "[redacted]",
      ),
    text,
  );
}

/**
 * Fields that hold what users wrote or what unlocks something: never logged, at any depth a
 * caller is likely to pass (pino's paths take one wildcard level).
 */
const SENSITIVE = [
  "password",
  "apiKey",
  "authorization",
  "cookie",
  "secret",
  "token",
  "prompt",
  "system",
  "messages",
  "content",
  "task",
  "input",
  "output",
  "body",
];
const REDACT_PATHS = SENSITIVE.flatMap((k) => [k, `*.${k}`, `headers["${k}"]`]);

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

function level(): pino.LevelWithSilent {
  try {
    return getConfig().LOG_LEVEL;
  } catch {
    return "info";
  }
}

/** pino-pretty when it is installed (a dev dependency) and this is development; else JSON lines. */
function defaultDestination(): DestinationStream {
  let development = false;
  try {
    development = getConfig().NODE_ENV === "development";
  } catch {
    // Broken configuration: the error about it is logged as JSON.
  }
  if (development) {
    try {
      const pretty = createRequire(import.meta.url)("pino-pretty") as (
        o: object,
      ) => DestinationStream;
      return pretty({ sync: true, ignore: "pid,hostname" });
    } catch {
      // Not installed (a production install): JSON it is.
    }
  }
  // Synchronous: a line written before process.exit (shutdown, a fatal error) is not lost.
  return pino.destination({ dest: 1, sync: true });
}

function createRoot(destination: DestinationStream): Pino {
  return pino(
    {
      level: level(),
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // The request, run and step this line belongs to, from the work's async context.
      mixin: () => ({ ...currentLogContext() }),
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      // The last word: credential-shaped text in messages and error stacks is masked too.
      hooks: { streamWrite: redact },
    },
    destination,
  );
}

// Built at the first line, not at import: configuration (LOG_LEVEL, NODE_ENV) must not be read
// before the process (or a test's server) has set it.
let rootLogger: Pino | undefined;
let destination: DestinationStream | undefined;
const root = () => (rootLogger ??= createRoot(destination ?? defaultDestination()));

/** Test seam: sends every line to `stream` (a capturing stream) from the next line on. */
export function setLogDestination(stream: DestinationStream): void {
  destination = stream;
  rootLogger = undefined;
}

function createLogger(scope: string): Logger {
  const write =
    (method: "debug" | "info" | "warn" | "error") =>
    (message: string, fields?: Record<string, unknown>) => {
      // The root is looked up per line, so a logger made at import time follows the seam.
      if (fields) root()[method]({ scope, ...fields }, message);
      else root()[method]({ scope }, message);
    };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    child: (sub) => createLogger(`${scope}:${sub}`),
  };
}

export const logger = createLogger("ensemble");

/** The Anthropic SDK's logger: its warnings go through ours, redacted like every other line. */
export function sdkLogger(): Record<
  "debug" | "info" | "warn" | "error",
  (...args: unknown[]) => void
> {
  const log = logger.child("anthropic-sdk");
  const text = (args: unknown[]) =>
    args
      .map((a) => (typeof a === "string" ? a : a instanceof Error ? a.message : safeJson(a)))
      .join(" ");
  return {
    debug: (...args) => log.debug(text(args)),
    info: (...args) => log.info(text(args)),
    warn: (...args) => log.warn(text(args)),
    error: (...args) => log.error(text(args)),
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * Uncaught errors and unhandled rejections are logged through the redacting logger (their
 * messages can carry a header or a key) instead of Node's raw print. An uncaught exception still
 * ends the process, as Node would.
 */
export function logProcessErrors(): void {
  const log = logger.child("process");
  process.on("unhandledRejection", (reason) => {
    log.error(
      `unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
    );
  });
  process.on("uncaughtException", (error) => {
    log.error(`uncaught exception: ${error.stack ?? error.message}`);
    process.exit(1);
  });
}
