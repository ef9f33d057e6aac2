import "server-only";
import { getConfig } from "@/lib/config";

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level | "silent", number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99,
};

// Anything shaped like a credential is masked before a line is written, whatever the caller passed.
const SECRET_PATTERNS = [
  /sk-ant-[A-Za-z0-9_-]+/g,
  /ens_[A-Za-z0-9_-]{8,}/g,
  /(authorization|x-api-key|api[_-]?key|token|secret|password)(["']?\s*[:=]\s*["']?(?:bearer\s+)?)([^\s"',}]+)/gi,
];

export function redact(text: string): string {
  return SECRET_PATTERNS.reduce(
    (out, pattern) =>
      out.replace(pattern, (match, key?: string, sep?: string) =>
        key && sep ? `${key}${sep}[redacted]` : "[redacted]",
      ),
    text,
  );
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

function threshold(): number {
  try {
    return ORDER[getConfig().LOG_LEVEL];
  } catch {
    return ORDER.info;
  }
}

function createLogger(scope: string): Logger {
  const write = (level: Level, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < threshold()) return;
    const extra = fields ? ` ${JSON.stringify(fields)}` : "";
    const line = redact(
      `${new Date().toISOString()} ${level.padEnd(5)} [${scope}] ${message}${extra}`,
    );
    (level === "error" || level === "warn" ? console.error : console.log)(line);
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (sub) => createLogger(`${scope}:${sub}`),
  };
}

export const logger = createLogger("ensemble");
