"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { hasRole, type Role } from "./types";
import { useMe } from "./use-me";

/**
 * Shows children only to `role` or higher; lower roles get a clear explanation instead.
 * Use inside <AuthGate> (it renders nothing while the session is loading or absent).
 */
export function RequireRole({ role, children }: { role: Role; children: ReactNode }) {
  const me = useMe();
  if (!me.data) return null;
  if (hasRole(me.data.role, role)) return <>{children}</>;
  return (
    <div
      role="alert"
      className="mx-auto max-w-lg rounded-xl border border-amber-200 bg-amber-50 p-6 text-amber-900"
      data-testid="forbidden-message"
    >
      <h1 className="text-lg font-semibold">You need the {role} role to see this page</h1>
      <p className="mt-2 text-sm">
        You are signed in as a <strong>{me.data.role}</strong> of {me.data.team.name}. Ask a team
        owner to change your role if you need access.
      </p>
      <Link
        href="/"
        className="mt-4 inline-block text-sm font-medium text-indigo-700 hover:text-indigo-700"
      >
        ← Back to home
      </Link>
    </div>
  );
}
