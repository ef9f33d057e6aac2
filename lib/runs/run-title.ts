/** The longest title a team may give a run. */
export const MAX_TITLE_CHARS = 120;

/** How many of the task's words name an untitled run. */
const DEFAULT_TITLE_WORDS = 8;
const DEFAULT_TITLE_CHARS = 80;

/**
 * What an untitled run is called: the task's first words (Markdown marks and sim directives left
 * out), cut at a word and marked with an ellipsis when the task goes on.
 */
export function defaultRunTitle(task: string): string {
  const words = task
    .replace(/\[\[sim:[^\]]*\]\]/g, " ")
    .replace(/[#*_`>]+/g, " ")
    .split(/\s+/)
    .filter(Boolean);
  let title = "";
  for (const word of words.slice(0, DEFAULT_TITLE_WORDS)) {
    const next = title ? `${title} ${word}` : word;
    if (next.length > DEFAULT_TITLE_CHARS) break;
    title = next;
  }
  if (!title) return words.length ? words[0]!.slice(0, DEFAULT_TITLE_CHARS) : "Untitled run";
  return title.length < words.join(" ").length ? `${title}…` : title;
}

/** The run's name: the one a team gave it, else the task's first words. */
export function runTitle(run: { title: string | null; task: string }): string {
  return run.title?.trim() ? run.title.trim() : defaultRunTitle(run.task);
}
