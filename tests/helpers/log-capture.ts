import { setLogDestination } from "@/lib/log";
import { keepSuiteLog } from "./suite-logs";

/** Every log line the app writes from now on, parsed (JSON lines). */
export function captureLogs(): { lines: Record<string, unknown>[]; text: () => string } {
  const raw: string[] = [];
  setLogDestination({
    write: (s: string) => {
      raw.push(s);
      keepSuiteLog(s); // the suite's scan for secrets sees these lines too
    },
  });
  return {
    get lines() {
      return raw.map((s) => JSON.parse(s) as Record<string, unknown>);
    },
    text: () => raw.join(""),
  };
}
