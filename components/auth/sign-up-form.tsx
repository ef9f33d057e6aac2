"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { AuthCard, FormError, SubmitButton } from "./auth-card";
import { postAuth } from "./auth-api";
import { TextField } from "./text-field";
import { useSetMe } from "./use-me";

const FIELDS = ["email", "name", "password", "teamName"] as const;

export function SignUpForm({ next, invite }: { next: string; invite: string | null }) {
  const router = useRouter();
  const setMe = useSetMe();
  const [pending, setPending] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const teamName = String(data.get("teamName") ?? "").trim();
    setPending(true);
    setFormError(null);
    setFieldErrors({});
    const result = await postAuth("/api/auth/sign-up", {
      email: String(data.get("email") ?? "").trim(),
      name: String(data.get("name") ?? "").trim(),
      password: String(data.get("password") ?? ""),
      ...(invite ? { invite } : teamName ? { teamName } : {}),
    });
    if (result.ok) {
      setMe(result.me);
      router.replace(next);
      router.refresh();
      return;
    }
    setPending(false);
    const field = FIELDS.find((f) => f === result.field);
    if (field && !(field === "teamName" && invite)) {
      setFieldErrors({
        [field]:
          result.status === 409 && field === "email"
            ? "An account with this email already exists."
            : result.message,
      });
    } else if (result.status === 429) {
      setFormError(
        `Too many attempts. Try again ${result.retryAfterSeconds ? `in ${result.retryAfterSeconds} seconds` : "in a little while"}.`,
      );
    } else if (
      invite &&
      (result.field === "invite" || result.status === 404 || result.status === 410)
    ) {
      setFormError(
        `This invite can't be used: ${result.message}. Ask your team owner for a new link.`,
      );
    } else {
      setFormError(result.message);
    }
  }

  return (
    <AuthCard
      title={invite ? "Join your team on Ensemble" : "Create your Ensemble account"}
      subtitle={
        invite ? (
          <p
            className="rounded-lg border border-indigo-200 bg-indigo-50 px-3 py-2 text-indigo-900"
            data-testid="invite-banner"
          >
            You&apos;re joining an existing team by invite. Your role comes from the invite.
          </p>
        ) : (
          "A new team is created for you; invite teammates from Settings."
        )
      }
      footer={
        <>
          Already have an account?{" "}
          <Link
            href={next === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next)}`}
            className="font-medium text-indigo-600 hover:text-indigo-500"
          >
            Sign in
          </Link>
        </>
      }
    >
      <form
        onSubmit={onSubmit}
        className="space-y-4"
        data-testid="sign-up-form"
        aria-busy={pending}
      >
        <FormError message={formError} testId="sign-up-error" />
        <TextField
          id="name"
          name="name"
          label="Your name"
          autoComplete="name"
          required
          maxLength={100}
          error={fieldErrors.name}
        />
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
          autoComplete="new-password"
          required
          minLength={8}
          maxLength={200}
          hint="At least 8 characters."
          error={fieldErrors.password}
        />
        {invite ? null : (
          <TextField
            id="teamName"
            name="teamName"
            label="Team name (optional)"
            autoComplete="organization"
            maxLength={100}
            hint="Defaults to your name's team."
            error={fieldErrors.teamName}
          />
        )}
        <SubmitButton pending={pending} pendingLabel="Creating account…">
          {invite ? "Join team" : "Create account"}
        </SubmitButton>
      </form>
    </AuthCard>
  );
}
