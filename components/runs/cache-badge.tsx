import { isServedFromCache } from "@/lib/runs/status";
import { Badge } from "@/components/ui/badge";

/** Each cache outcome in words: the short label on the badge and the longer one on hover. */
const WORDS: Record<string, readonly [label: string, explanation: string]> = {
  "hit-memory": ["cached · memory", "Answered from this server's memory: no model call, no cost."],
  "hit-db": ["cached · database", "Answered from the stored cache: no model call, no cost."],
  coalesced: ["cached · shared", "An identical call was already running: this step shared it."],
  miss: ["not cached yet", "No stored answer matched: the model answered and it was stored."],
  bypass: [
    "cache off",
    "The cache was not used: the agent samples above temperature 0, or the run bypassed it.",
  ],
};

/** Whether a step's answer came from the cache, and from where. Nothing before the step ran. */
export function CacheBadge(props: { status: string | null; testId?: string }) {
  if (!props.status) return null;
  const [label, explanation] = WORDS[props.status] ?? [props.status, `Cache: ${props.status}`];
  return (
    <Badge
      tone={isServedFromCache(props.status) ? "violet" : "slate"}
      data-testid={props.testId}
      data-cache={props.status}
      title={explanation}
    >
      {label}
    </Badge>
  );
}
