"use client";

import { EmailField, TextField } from "./text-field";

/** The sign-up inputs; the team name only for a new team (an invite names the team). */
export function SignUpFields({
  invite,
  fieldErrors,
}: {
  invite: string | null;
  fieldErrors: Record<string, string>;
}) {
  return (
    <>
      <TextField
        id="name"
        name="name"
        label="Your name"
        autoComplete="name"
        required
        maxLength={100}
        error={fieldErrors.name}
      />
      <EmailField error={fieldErrors.email} />
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
    </>
  );
}
