"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { type AuthResult, postAuth } from "./auth-api";
import { useSetMe } from "./use-me";

export type AuthFailure = Extract<AuthResult, { ok: false }>;

/** What a failed sign-in or sign-up shows: one message over the form, or one under a field. */
export type AuthFailureView = { formError: string } | { fieldErrors: Record<string, string> };

/**
 * The submit flow the sign-in and sign-up forms share: post, then on success remember who signed
 * in and go to `next`; on failure show what `describeFailure` makes of the server's answer.
 */
export function useAuthSubmit(path: "/api/auth/sign-in" | "/api/auth/sign-up", next: string) {
  const router = useRouter();
  const setMe = useSetMe();
  const [pending, setPending] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  async function submit(body: unknown, describeFailure: (result: AuthFailure) => AuthFailureView) {
    setPending(true);
    setFormError(null);
    setFieldErrors({});
    const result = await postAuth(path, body);
    if (result.ok) {
      setMe(result.me);
      router.replace(next);
      router.refresh();
      return;
    }
    setPending(false);
    const view = describeFailure(result);
    if ("formError" in view) setFormError(view.formError);
    else setFieldErrors(view.fieldErrors);
  }

  return { pending, formError, fieldErrors, submit };
}
