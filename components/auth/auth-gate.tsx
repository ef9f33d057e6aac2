"use client";

import { usePathname, useRouter } from "next/navigation";
import { type ReactNode, useEffect } from "react";
import { useMe } from "./use-me";

/** Renders children only for a signed-in user; sends anyone else to /sign-in?next=<this page>. */
export function AuthGate({ children }: { children: ReactNode }) {
  const me = useMe();
  const router = useRouter();
  const pathname = usePathname();
  const signedOut = me.isSuccess && me.data === null;

  useEffect(() => {
    if (!signedOut) return;
    const next = `${pathname}${window.location.search}`;
    router.replace(`/sign-in?next=${encodeURIComponent(next)}`);
  }, [signedOut, pathname, router]);

  if (me.isPending) {
    return (
      <p className="text-slate-600" role="status" data-testid="auth-loading">
        Checking your session…
      </p>
    );
  }
  if (me.isError) {
    return (
      <div
        role="alert"
        className="rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-700"
      >
        Could not check your session: {me.error.message}{" "}
        <button type="button" onClick={() => void me.refetch()} className="font-medium underline">
          Try again
        </button>
      </div>
    );
  }
  if (me.data === null) {
    return (
      <p className="text-slate-600" role="status">
        Redirecting to sign in…
      </p>
    );
  }
  return <>{children}</>;
}
