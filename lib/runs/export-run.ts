import type { RunDetail, RunStepView } from "./run-view";

/** The formats GET /api/runs/{id}/export speaks. */
export const RUN_EXPORT_FORMATS = ["json", "md"] as const;
export type RunExportFormat = (typeof RUN_EXPORT_FORMATS)[number];

const usd = (n: number) => `$${n.toFixed(n < 0.01 && n > 0 ? 6 : 4)}`;

/** A file name from the title: letters, digits and dashes, never empty. */
export function exportFileName(run: RunDetail, format: RunExportFormat): string {
  const slug = run.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return `${slug || "run"}-${run.id}.${format}`;
}

function stepStatusLine(step: RunStepView): string {
  const parts = [`**${step.status}**${step.partial ? " (partial answer)" : ""}`];
  if (step.answeredModel && step.answeredModel !== step.agent.model) {
    parts.push(`answered by ${step.answeredModel}`);
  }
  if (step.stopReason) parts.push(`stop: ${step.stopReason}`);
  if (step.cacheStatus) parts.push(`cache: ${step.cacheStatus}`);
  if (step.latencyMs !== null) parts.push(`${step.latencyMs} ms`);
  parts.push(`${step.inputTokens} → ${step.outputTokens} tokens`, usd(step.costUsd));
  return parts.join(" · ");
}

/**
 * Fences text in backticks longer than any run of backticks inside it, so an answer's own code
 * blocks cannot close the fence.
 */
function fence(text: string, info = ""): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}${info}\n${text}\n${ticks}`;
}

function stepSection(step: RunStepView): string[] {
  const lines = [`## ${step.agentName} (${step.agent.model})`, "", stepStatusLine(step)];
  if (step.dependsOn.length) lines.push("", `After: ${step.dependsOn.join(", ")}`);
  if (step.errorMessage && step.status !== "succeeded") {
    lines.push("", `> ${step.errorCode ?? "error"}: ${step.errorMessage}`);
  }
  // The answer as the model wrote it: Markdown, so it renders in the exported document.
  lines.push("", step.output.trim() ? step.output.trim() : "_No answer._", "");
  return lines;
}

/** The run as a Markdown document: title, figures, the task, then every step's answer. */
export function runToMarkdown(run: RunDetail): string {
  const lines = [
    `# ${run.title}`,
    "",
    `- Status: ${run.status}`,
    `- Mode: ${run.mode}`,
    ...(run.tags.length ? [`- Tags: ${run.tags.join(", ")}`] : []),
    `- Created: ${run.createdAt}`,
    `- Latency: ${run.latencyMs === null ? "—" : `${run.latencyMs} ms`}`,
    `- Tokens: ${run.inputTokens} in, ${run.outputTokens} out`,
    `- Cost: ${usd(run.costUsd)}`,
    "",
    "## Task",
    "",
    fence(run.task, "text"),
    "",
  ];
  for (const step of run.steps) lines.push(...stepSection(step));
  return `${lines.join("\n").trimEnd()}\n`;
}

/** The export as an HTTP response, downloaded under a name made from the title. */
export function runExportResponse(run: RunDetail, format: RunExportFormat): Response {
  const body = format === "json" ? `${JSON.stringify({ run }, null, 2)}\n` : runToMarkdown(run);
  const type = format === "json" ? "application/json" : "text/markdown";
  return new Response(body, {
    headers: {
      "content-type": `${type}; charset=utf-8`,
      "content-disposition": `attachment; filename="${exportFileName(run, format)}"`,
    },
  });
}
