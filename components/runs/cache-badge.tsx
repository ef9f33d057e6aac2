import { Badge } from "@/components/ui/badge";

const HIT: Record<string, string> = {
  "hit-memory": "memory",
  "hit-db": "database",
  coalesced: "coalesced",
};

/** Whether a step's answer came from the cache, and from where. Nothing before the step ran. */
export function CacheBadge(props: { status: string | null; testId?: string }) {
  if (!props.status) return null;
  const hit = HIT[props.status];
  return (
    <Badge
      tone={hit ? "violet" : "slate"}
      data-testid={props.testId}
      data-cache={props.status}
      title={hit ? `Served from the cache (${props.status})` : `Cache: ${props.status}`}
    >
      {hit ? `cached · ${hit}` : props.status}
    </Badge>
  );
}

export function isCacheHit(status: string | null): boolean {
  return status !== null && status in HIT;
}
