import type { Metadata } from "next";
import { AgentsManager } from "@/components/agents";

export const metadata: Metadata = { title: "Agents" };

export default function AgentsPage() {
  return <AgentsManager />;
}
