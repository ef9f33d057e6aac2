import type { ReactNode } from "react";

export const inputClass =
  "block w-full rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-900 shadow-sm placeholder:text-slate-600 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 disabled:bg-slate-50 aria-[invalid=true]:border-rose-400 aria-[invalid=true]:focus:ring-rose-500/30";

/**
 * A labelled form control with its hint and error. The control is rendered by `children` with
 * the ids this passes, so any input/select/textarea can be wired to the label and messages.
 */
export function Field(props: {
  id: string;
  label: string;
  error?: string | null;
  hint?: ReactNode;
  children: (aria: {
    id: string;
    "aria-invalid": boolean;
    "aria-describedby": string | undefined;
  }) => ReactNode;
  className?: string;
}) {
  const hintId = props.hint && !props.error ? `${props.id}-hint` : null;
  const errorId = props.error ? `${props.id}-error` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={props.className}>
      <label htmlFor={props.id} className="mb-1 block text-sm font-medium text-slate-700">
        {props.label}
      </label>
      {props.children({
        id: props.id,
        "aria-invalid": Boolean(props.error),
        "aria-describedby": describedBy,
      })}
      {props.hint && !props.error ? (
        <p id={hintId ?? undefined} className="mt-1 text-xs text-slate-600">
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p
          id={errorId ?? undefined}
          className="mt-1 text-xs font-medium text-rose-700"
          data-testid={`field-error-${props.id}`}
        >
          {props.error}
        </p>
      ) : null}
    </div>
  );
}
