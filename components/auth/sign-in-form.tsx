"use client";

import Link from "next/link";
import type { FormEvent } from "react";
import { AuthCard, FormError, SubmitButton } from "./auth-card";
import { EmailField, TextField } from "./text-field";
import { type AuthFailure, type AuthFailureView, useAuthSubmit } from "./use-auth-submit";

function withNext(path: string, next: string) {
  return next === "/" ? path : `${path}?next=${encodeURIComponent(next)}`;
}

/** What a failed sign-in says: a wait after too many tries, a wrong password, or the field at fault. */
function signInFailure(result: AuthFailure): AuthFailureView {
  if (result.status === 429) {
    const wait = result.retryAfterSeconds;
    return {
      formError: `Too many sign-in attempts. Try again ${wait ? `in ${wait} second${wait === 1 ? "" : "s"}` : "in a little while"}.`,
    };
  }
  if (result.status === 401) return { formError: "Wrong email or password." };
  if (result.field === "email" || result.field === "password") {
    return { fieldErrors: { [result.field]: result.message } };
  }
  return { formError: result.message };
}

export function SignInForm({ next }: { next: string }) {
  const { pending, formError, fieldErrors, submit } = useAuthSubmit("/api/auth/sign-in", next);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const body = {
      email: String(data.get("email") ?? ""),
      password: String(data.get("password") ?? ""),
    };
    await submit(body, signInFailure);
  }

  return (
    <AuthCard
      title="Sign in to Ensemble"
      subtitle="Welcome back."
      footer={
        <>
          New here?{" "}
          <Link
            href={withNext("/sign-up", next)}
            className="font-medium text-indigo-700 hover:text-indigo-700"
          >
            Create an account
          </Link>
        </>
      }
    >
      <form
        onSubmit={onSubmit}
        className="space-y-4"
        data-testid="sign-in-form"
        aria-busy={pending}
      >
        <FormError message={formError} testId="sign-in-error" />
        <EmailField error={fieldErrors.email} />
        <TextField
          id="password"
          name="password"
          type="password"
          label="Password"
          autoComplete="current-password"
          required
          error={fieldErrors.password}
        />
        <SubmitButton pending={pending} pendingLabel="Signing in…">
          Sign in
        </SubmitButton>
      </form>
    </AuthCard>
  );
}
