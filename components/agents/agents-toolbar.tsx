"use client";

import { type ChangeEvent, useRef } from "react";
import { AGENTS_EXPORT_URL, useImportAgents } from "@/lib/query/agents";
import { errorMessage } from "@/lib/query/fetch-json";
import { Button, buttonClass } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";

/** Import (admins), Export (everyone) and New agent (admins). */
export function AgentsToolbar({ canManage, onNew }: { canManage: boolean; onNew: () => void }) {
  const importAgents = useImportAgents();
  const toast = useToast();
  const fileInput = useRef<HTMLInputElement>(null);

  async function onImportFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    let body: unknown;
    try {
      body = JSON.parse(await file.text());
    } catch {
      toast(`${file.name} is not valid JSON.`, "error");
      return;
    }
    try {
      const result = await importAgents.mutateAsync(body);
      toast(
        `Imported ${file.name}: ${result.created} created, ${result.updated} updated.`,
        "success",
      );
    } catch (error) {
      toast(`Import failed: ${errorMessage(error)}`, "error");
    }
  }

  return (
    <div className="flex flex-wrap gap-2">
      {canManage ? (
        <>
          <input
            ref={fileInput}
            type="file"
            accept="application/json,.json"
            className="sr-only"
            aria-label="Import agents from a JSON file"
            data-testid="agents-import-input"
            onChange={onImportFile}
            tabIndex={-1}
          />
          <Button
            onClick={() => fileInput.current?.click()}
            disabled={importAgents.isPending}
            data-testid="agents-import"
          >
            {importAgents.isPending ? "Importing…" : "Import"}
          </Button>
        </>
      ) : null}
      <a
        href={AGENTS_EXPORT_URL}
        download="agents.json"
        className={buttonClass("secondary")}
        data-testid="agents-export"
      >
        Export
      </a>
      {canManage ? (
        <Button variant="primary" onClick={onNew} data-testid="agent-new">
          New agent
        </Button>
      ) : null}
    </div>
  );
}
