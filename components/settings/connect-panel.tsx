"use client";

import { useSyncExternalStore } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import { Section } from "./section";

const noop = () => () => {};

/** This page's origin in the browser; a placeholder during server rendering. */
function useOrigin(): string {
  return useSyncExternalStore(
    noop,
    () => window.location.origin,
    () => "https://your-ensemble-host",
  );
}

function Snippet({ title, code, testId }: { title: string; code: string; testId: string }) {
  return (
    <div>
      <div className="mb-1 flex items-center justify-between gap-2">
        <h3 className="text-sm font-medium text-slate-700">{title}</h3>
        <CopyButton text={code} testId={`${testId}-copy`} />
      </div>
      <pre
        tabIndex={0}
        aria-label={title}
        className="overflow-x-auto rounded-lg bg-slate-900 p-4 font-mono text-xs leading-relaxed text-slate-100"
        data-testid={testId}
      >
        <code>{code}</code>
      </pre>
    </div>
  );
}

export function ConnectPanel({ canCreateKeys }: { canCreateKeys: boolean }) {
  const origin = useOrigin();
  const shell = `export ANTHROPIC_BASE_URL=${origin}/api/anthropic\nexport ANTHROPIC_API_KEY=<your Ensemble key>`;
  const ts = `import Anthropic from "@anthropic-ai/sdk";\n\nconst client = new Anthropic({ baseURL: "${origin}/api/anthropic", apiKey: process.env.ENSEMBLE_API_KEY });`;
  return (
    <Section
      id="connect"
      title="Connect a client"
      description={
        <>
          Point any Anthropic SDK client (or Claude Code) at Ensemble: its calls go through the
          team&apos;s response cache.{" "}
          {canCreateKeys ? "Create an API key above." : "Ask an admin for an API key."}
        </>
      }
    >
      <div className="space-y-4" data-testid="connect-panel">
        <Snippet
          title="Shell (Claude Code, SDKs reading the environment)"
          code={shell}
          testId="connect-snippet"
        />
        <Snippet title="TypeScript" code={ts} testId="connect-snippet-ts" />
      </div>
    </Section>
  );
}
