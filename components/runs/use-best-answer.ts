"use client";

import { useLocalStorage } from "@/components/ui/use-local-storage";

/**
 * The step the user marked as the best answer of a run. Kept in this browser (localStorage): the
 * API has no field for it yet, so it is neither shared with the team nor exported.
 */
export function useBestAnswer(runId: string): [string | null, (stepKey: string | null) => void] {
  return useLocalStorage(`ensemble:best-answer:${runId}`);
}
