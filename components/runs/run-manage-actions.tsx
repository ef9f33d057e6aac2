"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useHasRole } from "@/components/auth/use-me";
import { errorMessage } from "@/lib/query/fetch-json";
import { runExportUrl, useDeleteRun } from "@/lib/query/run-manage";
import { Button, buttonClass } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

/** Export links (anyone in the team) and Delete (owners and admins) of a finished run. */
export function RunManageActions(props: { runId: string; title: string; finished: boolean }) {
  const router = useRouter();
  const canDelete = useHasRole("admin");
  const remove = useDeleteRun(props.runId);
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <a
        href={runExportUrl(props.runId, "md")}
        download
        className={buttonClass("secondary")}
        data-testid="run-export-md"
      >
        Export Markdown
      </a>
      <a
        href={runExportUrl(props.runId, "json")}
        download
        className={buttonClass("secondary")}
        data-testid="run-export-json"
      >
        JSON
      </a>
      {canDelete && props.finished ? (
        <Button variant="ghost" onClick={() => setConfirming(true)} data-testid="run-delete">
          Delete
        </Button>
      ) : null}
      <ConfirmDialog
        open={confirming}
        title="Delete this run?"
        confirmLabel="Delete run"
        pending={remove.isPending}
        error={remove.isError ? errorMessage(remove.error) : null}
        onCancel={() => setConfirming(false)}
        onConfirm={() => remove.mutate(undefined, { onSuccess: () => router.push("/runs") })}
      >
        “{props.title}” and every answer in it will be gone for the whole team. This cannot be
        undone; export it first to keep a copy.
      </ConfirmDialog>
    </>
  );
}
