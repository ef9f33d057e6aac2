// parse-prometheus-text-format ships no types: this is the part of its output the tests read.
import parsePrometheusTextFormat from "parse-prometheus-text-format";

export interface MetricFamily {
  name: string;
  help: string;
  type: string;
  metrics: { value?: string; labels?: Record<string, string>; buckets?: Record<string, string> }[];
}

/** Parses Prometheus text exposition into families, keyed by name. Throws on malformed text. */
export function parseMetrics(text: string): Map<string, MetricFamily> {
  const families = (parsePrometheusTextFormat as (t: string) => MetricFamily[])(text);
  return new Map(families.map((f) => [f.name, f]));
}

/** The value of one sample, matched by labels (all given labels must match). */
export function sample(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const found = families
    .get(name)
    ?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return found?.value === undefined ? undefined : Number(found.value);
}
