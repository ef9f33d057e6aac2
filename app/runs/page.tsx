import type { Metadata } from "next";
import { RunsPage } from "@/components/runs";

export const metadata: Metadata = { title: "Runs" };

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { from } = await searchParams;
  return <RunsPage fromRunId={typeof from === "string" && from !== "" ? from : undefined} />;
}
