/**
 * The `?next=` target after signing in: only same-origin paths, so a crafted link cannot
 * bounce a freshly signed-in user to another site.
 */
export function safeNext(next: string | string[] | undefined | null): string {
  const value = Array.isArray(next) ? next[0] : next;
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) {
    return "/";
  }
  // Sending someone back to the form they just used would look like nothing happened.
  if (value.startsWith("/sign-in") || value.startsWith("/sign-up")) return "/";
  return value;
}
