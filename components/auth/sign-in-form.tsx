"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { AuthCard, FormError, SubmitButton } from "./auth-card";
import { postAuth } from "./auth-api";
import { TextField } from "./text-field";
import { useSetMe } from "./use-me";

function withNext(path: string, next: string) {
  return next === "/" ? path : `${path}?next=${encodeURIComponent(next)}`;
}

export function SignInForm({ next }: { next: string }) {
  const router = useRouter();
  const setMe = useSetMe();
  const [pending, setPending] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setPending(true);
    setFormError(null);
    setFieldErrors({});
    const result = await postAuth("/api/auth/sign-in", {
      email: String(data.get("email") ?? ""),
      password: String(data.get("password") ?? ""),
    });
    if (result.ok) {
      setMe(result.me);
      router.replace(next);
      router.refresh();
      return;
    }
    setPending(false);
    if (result.status === 429) {
      const wait = result.retryAfterSeconds;
      setFormError(
        `Too many sign-in attempts. Try again ${wait ? `in ${wait} second${wait === 1 ? "" : "s"}` : "in a little while"}.`,
      );
    } else if (result.status === 401) {
      setFormError("Wrong email or password.");
    } else if (result.field === "email" || result.field === "password") {
      setFieldErrors({ [result.field]: result.message });
    } else {
      setFormError(result.message);
    }
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
            className="font-medium text-indigo-600 hover:text-indigo-500"
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
        <TextField
          id="email"
          name="email"
          type="email"
          label="Email"
          autoComplete="email"
          required
          error={fieldErrors.email}
        />
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
