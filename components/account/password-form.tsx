"use client";

import { useState } from "react";
import { useChangePassword } from "@/lib/query/account";
import { ApiError, errorMessage } from "@/lib/query/fetch-json";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";

function Changed({ revoked }: { revoked: number }) {
  return (
    <p role="status" className="text-sm text-emerald-800" data-testid="account-password-saved">
      Password changed. {revoked} other session{revoked === 1 ? "" : "s"} signed out.
    </p>
  );
}

/** Current password (proof) and a new one; the server's strength rule explains a refusal. */
export function PasswordForm() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const change = useChangePassword();
  const field = change.error instanceof ApiError ? change.error.field : undefined;
  const message = change.isError ? errorMessage(change.error) : null;
  return (
    <form
      className="grid gap-3 sm:max-w-sm"
      onSubmit={(e) => {
        e.preventDefault();
        change.mutate(
          { currentPassword: current, newPassword: next },
          {
            onSuccess: () => {
              setCurrent("");
              setNext("");
            },
          },
        );
      }}
    >
      <Field
        id="account-current-password"
        label="Current password"
        error={field === "currentPassword" ? message : null}
      >
        {(aria) => (
          <input
            {...aria}
            type="password"
            className={inputClass}
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            autoComplete="current-password"
            required
            data-testid="account-current-password"
          />
        )}
      </Field>
      <Field
        id="account-new-password"
        label="New password"
        hint="A few uncommon words together work well."
        error={field === "newPassword" ? message : null}
      >
        {(aria) => (
          <input
            {...aria}
            type="password"
            className={inputClass}
            value={next}
            minLength={8}
            onChange={(e) => setNext(e.target.value)}
            autoComplete="new-password"
            required
            data-testid="account-new-password"
          />
        )}
      </Field>
      {change.isError && field !== "currentPassword" && field !== "newPassword" ? (
        <p role="alert" className="text-sm text-rose-700">
          {message}
        </p>
      ) : null}
      <div>
        <Button
          type="submit"
          variant="primary"
          disabled={change.isPending}
          data-testid="account-password-save"
        >
          {change.isPending ? "Changing…" : "Change password"}
        </Button>
      </div>
      {change.isSuccess ? <Changed revoked={change.data.revokedSessions} /> : null}
    </form>
  );
}
