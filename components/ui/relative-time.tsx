"use client";

import { formatAbsolute, formatRelative } from "@/lib/query/format";
import { useNow } from "./use-now";

/**
 * The app's one way of showing a date: relative ("3 min ago"), the exact instant on hover and to
 * screen readers through <time dateTime>. Re-renders each minute so "just now" does not stick.
 */
export function RelativeTime({
  iso,
  fallback = "—",
  className,
}: {
  iso: string | null | undefined;
  fallback?: string;
  className?: string;
}) {
  const now = useNow(Boolean(iso), 60_000);
  if (!iso) return <span className={className}>{fallback}</span>;
  const exact = formatAbsolute(iso);
  return (
    <time dateTime={iso} title={exact} className={className} suppressHydrationWarning>
      {formatRelative(iso, now)}
    </time>
  );
}
