"use client";

import { type ReactNode, useRef, useState } from "react";

interface ConfirmButtonProps {
  /** The trigger's text. */
  children: ReactNode;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  /** Runs on confirm; a thrown error is shown in the dialog, which stays open. */
  onConfirm: () => Promise<unknown>;
  className?: string;
  disabled?: boolean;
  testId?: string;
  "aria-label"?: string;
}

const TRIGGER =
  "rounded-md border border-rose-200 px-2.5 py-1 text-sm text-rose-700 hover:bg-rose-50 disabled:cursor-not-allowed disabled:opacity-50";

/** A destructive action behind a modal confirmation (native <dialog>: focus trap and Esc for free). */
export function ConfirmButton(props: ConfirmButtonProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    setPending(true);
    setError(null);
    try {
      await props.onConfirm();
      dialog.current?.close();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Something went wrong.");
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
          dialog.current?.showModal();
        }}
      >
        {props.children}
      </button>
      <dialog
        ref={dialog}
        aria-label={props.title}
        className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl text-left font-normal border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40"
        data-testid="confirm-dialog"
      >
        <div className="p-6">
          <h2 className="text-lg font-semibold">{props.title}</h2>
          <div className="mt-2 text-sm text-slate-600">{props.message}</div>
          {error ? (
            <p role="alert" className="mt-3 rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-700">
              {error}
            </p>
          ) : null}
          <div className="mt-6 flex justify-end gap-2">
            <button
              type="button"
              className="rounded-lg border border-slate-200 px-4 py-2 text-sm text-slate-700 hover:bg-slate-50"
              onClick={() => dialog.current?.close()}
              data-testid="confirm-cancel"
            >
              Cancel
            </button>
            <button
              type="button"
              className="rounded-lg bg-rose-600 px-4 py-2 text-sm font-medium text-white hover:bg-rose-500 disabled:opacity-60"
              disabled={pending}
              aria-busy={pending}
              onClick={() => void confirm()}
              data-testid="confirm-ok"
            >
              {pending ? "Working…" : props.confirmLabel}
            </button>
          </div>
        </div>
      </dialog>
    </>
  );
}
