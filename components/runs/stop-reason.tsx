import type { StopReason } from "@/lib/orchestrator";
import { Badge } from "@/components/ui/badge";

/** Why the model stopped, in words; only the reasons a reader must notice get a badge. */
const WORDS: Partial<Record<NonNullable<StopReason>, readonly [label: string, title: string]>> = {
  max_tokens: [
    "cut at max tokens",
    "The answer reached the agent's max output tokens and was cut off. Raise the limit to get the rest.",
  ],
  stop_sequence: ["stop sequence", "The model stopped at one of the agent's stop sequences."],
  refusal: ["refused", "The model declined to answer."],
  pause_turn: ["paused", "The model paused a long turn; the answer may be incomplete."],
};

export function StopReasonBadge({
  reason,
  testId,
}: {
  reason: StopReason | null;
  testId?: string;
}) {
  if (!reason) return null;
  const words = WORDS[reason];
  // A natural end (end_turn) is the normal case: say nothing, but keep it readable to tests.
  if (!words) return <span hidden data-testid={testId} data-stop-reason={reason} />;
  return (
    <Badge tone="amber" data-testid={testId} data-stop-reason={reason} title={words[1]}>
      {words[0]}
    </Badge>
  );
}
