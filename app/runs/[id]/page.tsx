import type { Metadata } from "next";
import { RunLiveView } from "@/components/runs";

export const metadata: Metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // Keyed by id: a re-run navigates to a new id and must start from a fresh state.
  return <RunLiveView key={id} runId={id} />;
}
