/** Checks of a DAG plan drawn in the composer. Pure. */

/** A dependency cycle among the steps, as the keys along it, or null when there is none. */
export function findCycle(deps: Record<string, readonly string[]>): string[] | null {
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (key: string): string[] | null => {
    if (state.get(key) === "done") return null;
    if (state.get(key) === "visiting") return [...path.slice(path.indexOf(key)), key];
    state.set(key, "visiting");
    path.push(key);
    for (const dep of deps[key] ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(key, "done");
    return null;
  };
  for (const key of Object.keys(deps)) {
    const cycle = visit(key);
    if (cycle) return cycle;
  }
  return null;
}
