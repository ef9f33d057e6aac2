import type { ReactNode } from "react";

export function EmptyState(props: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  testId?: string;
}) {
  return (
    <div
      className="rounded-xl border border-dashed border-slate-300 bg-white/60 px-6 py-10 text-center"
      data-testid={props.testId}
    >
      <p className="font-medium text-slate-800">{props.title}</p>
      {props.children ? <div className="mt-1 text-sm text-slate-600">{props.children}</div> : null}
      {props.action ? <div className="mt-4">{props.action}</div> : null}
    </div>
  );
}
