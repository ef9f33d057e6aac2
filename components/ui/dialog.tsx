"use client";

import { type ReactNode, useEffect, useId, useRef } from "react";

/**
 * A modal on the native <dialog>: the browser traps focus, closes on Escape and restores focus
 * to the opener. `open` drives it; `onClose` hears every way of closing.
 */
export function Dialog(props: {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  testId?: string;
  size?: "sm" | "lg";
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const { open } = props;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid={props.testId}
      onClose={props.onClose}
      onClick={(event) => {
        // A click on the backdrop lands on the <dialog> itself.
        if (event.target === ref.current) props.onClose();
      }}
      className={`m-auto w-[calc(100%-2rem)] ${props.size === "sm" ? "max-w-md" : "max-w-2xl"} rounded-xl border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40 backdrop:backdrop-blur-[1px]`}
    >
      {open ? (
        <div className="p-5">
          <div className="mb-4 flex items-start justify-between gap-4">
            <div>
              <h2 id={titleId} className="text-lg font-semibold tracking-tight">
                {props.title}
              </h2>
              {props.description ? (
                <div className="mt-0.5 text-sm text-slate-600">{props.description}</div>
              ) : null}
            </div>
            <button
              type="button"
              onClick={props.onClose}
              aria-label="Close"
              className="rounded-md p-1 text-slate-600 hover:bg-slate-100 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-indigo-600"
            >
              <span aria-hidden>✕</span>
            </button>
          </div>
          {props.children}
        </div>
      ) : null}
    </dialog>
  );
}
