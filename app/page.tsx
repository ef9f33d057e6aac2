import { StatusPanel } from "@/components/home/status-panel";

export default function HomePage() {
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Ensemble</h1>
        <p className="mt-1 max-w-2xl text-slate-600">
          Define agents, run a task on many of them at once, watch the answers stream in — and never
          pay twice for the same answer.
        </p>
      </div>
      <StatusPanel />
    </div>
  );
}
