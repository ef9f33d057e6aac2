"use client";

import { type ReactNode, useState } from "react";
import { errorMessage } from "@/lib/query/fetch-json";
import { Dialog } from "./dialog";

/** "Are you sure?" with a destructive confirm button: the app's one confirmation. */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  pending?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Dialog
      open={props.open}
      onClose={props.onCancel}
      title={props.title}
      size="sm"
      testId="confirm-dialog"
    >
      <div className="text-sm text-slate-600">{props.children}</div>
      {props.error ? (
        <p role="alert" className="mt-3 rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-700">
          {props.error}
        </p>
      ) : null}
      <div className="mt-5 flex justify-end gap-2">
        <button
          type="button"
          onClick={props.onCancel}
          data-testid="confirm-cancel"
          className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50"
        >
          Cancel
        </button>
        <button
          type="button"
          onClick={props.onConfirm}
          disabled={props.pending}
          aria-busy={props.pending}
          data-testid="confirm-ok"
          className="rounded-lg bg-rose-700 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-rose-600 disabled:opacity-60"
        >
          {props.pending ? "Working…" : props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

const TRIGGER =
  "rounded-md border border-rose-200 px-2.5 py-1 text-sm text-rose-700 hover:bg-rose-50 disabled:cursor-not-allowed disabled:opacity-50";

/** A destructive action behind ConfirmDialog; a thrown error is shown in it, which stays open. */
export function ConfirmButton(props: {
  /** The trigger's text. */
  children: ReactNode;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  className?: string;
  disabled?: boolean;
  testId?: string;
  "aria-label"?: string;
}) {
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    setPending(true);
    setError(null);
    try {
      await props.onConfirm();
      setOpen(false);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setPending(false);
    }
  }

  return (
    <>
      <button
        type="button"
        className={props.className ?? TRIGGER}
        disabled={props.disabled}
        data-testid={props.testId}
        aria-label={props["aria-label"]}
        aria-haspopup="dialog"
        onClick={() => {
          setError(null);
          setOpen(true);
        }}
      >
        {props.children}
      </button>
      <ConfirmDialog
        open={open}
        title={props.title}
        confirmLabel={props.confirmLabel}
        pending={pending}
        error={error}
        onConfirm={() => void confirm()}
        onCancel={() => setOpen(false)}
      >
        {props.message}
      </ConfirmDialog>
    </>
  );
}
