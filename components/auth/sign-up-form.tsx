"use client";

import Link from "next/link";
import type { FormEvent } from "react";
import { AuthCard, FormError, SubmitButton } from "./auth-card";
import { SignUpFields } from "./sign-up-fields";
import { type AuthFailure, type AuthFailureView, useAuthSubmit } from "./use-auth-submit";

const FIELDS = ["email", "name", "password", "teamName"] as const;

/**
 * What a failed sign-up says: under the field at fault (a taken email in words), a wait after
 * too many tries, or why an invite link cannot be used.
 */
function signUpFailure(result: AuthFailure, invite: string | null): AuthFailureView {
  const field = FIELDS.find((f) => f === result.field);
  if (field && !(field === "teamName" && invite)) {
    return {
      fieldErrors: {
        [field]:
          result.status === 409 && field === "email"
            ? "An account with this email already exists."
            : result.message,
      },
    };
  }
  if (result.status === 429) {
    return {
      formError: `Too many attempts. Try again ${result.retryAfterSeconds ? `in ${result.retryAfterSeconds} seconds` : "in a little while"}.`,
    };
  }
  if (invite && (result.field === "invite" || result.status === 404 || result.status === 410)) {
    return {
      formError: `This invite can't be used: ${result.message}. Ask your team owner for a new link.`,
    };
  }
  return { formError: result.message };
}

export function SignUpForm({ next, invite }: { next: string; invite: string | null }) {
  const { pending, formError, fieldErrors, submit } = useAuthSubmit("/api/auth/sign-up", next);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const teamName = String(data.get("teamName") ?? "").trim();
    const body = {
      email: String(data.get("email") ?? "").trim(),
      name: String(data.get("name") ?? "").trim(),
      password: String(data.get("password") ?? ""),
      ...(invite ? { invite } : teamName ? { teamName } : {}),
    };
    await submit(body, (result) => signUpFailure(result, invite));
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
            className="font-medium text-indigo-700 hover:text-indigo-700"
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
        <SignUpFields invite={invite} fieldErrors={fieldErrors} />
        <SubmitButton pending={pending} pendingLabel="Creating account…">
          {invite ? "Join team" : "Create account"}
        </SubmitButton>
      </form>
    </AuthCard>
  );
}
