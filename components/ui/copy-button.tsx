"use client";

import { useEffect, useState } from "react";

/** Copies `text` to the clipboard and says so for two seconds (politely announced). */
export function CopyButton({
  text,
  label = "Copy",
  testId,
  compact = false,
}: {
  text: string;
  label?: string;
  testId?: string;
  /** Smaller, for toolbars inside panels. */
  compact?: boolean;
}) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  return (
    <button
      type="button"
      onClick={() => {
        navigator.clipboard.writeText(text).then(
          () => setState("copied"),
          () => setState("failed"),
        );
      }}
      className={`shrink-0 rounded-md border border-slate-300 bg-white font-medium text-slate-700 hover:bg-slate-100 ${compact ? "px-2 py-0.5 text-xs" : "px-3 py-1.5 text-sm"}`}
      data-testid={testId}
    >
      <span aria-live="polite">
        {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : label}
      </span>
    </button>
  );
}
