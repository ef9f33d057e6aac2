"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useMe, useSetMe } from "@/components/auth/use-me";
import { useRenameMe, useSignOutEverywhere } from "@/lib/query/account";
import { errorMessage } from "@/lib/query/fetch-json";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field, inputClass } from "@/components/ui/field";
import { Section } from "@/components/settings/section";
import { PasswordForm } from "./password-form";

function NameForm({ name }: { name: string }) {
  const [draft, setDraft] = useState(name);
  const rename = useRenameMe();
  const setMe = useSetMe();
  const me = useMe();
  return (
    <form
      className="flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        rename.mutate(draft, {
          onSuccess: ({ user }) => {
            if (me.data) setMe({ ...me.data, user: { ...me.data.user, name: user.name } });
          },
        });
      }}
    >
      <Field
        id="account-name"
        label="Name"
        error={rename.isError ? errorMessage(rename.error) : null}
        className="min-w-0 flex-1 sm:max-w-sm"
      >
        {(aria) => (
          <input
            {...aria}
            className={inputClass}
            value={draft}
            maxLength={100}
            onChange={(e) => setDraft(e.target.value)}
            data-testid="account-name"
            autoComplete="name"
          />
        )}
      </Field>
      <Button
        type="submit"
        variant="primary"
        disabled={rename.isPending}
        data-testid="account-name-save"
      >
        {rename.isPending ? "Saving…" : "Save name"}
      </Button>
      {rename.isSuccess ? (
        <p
          role="status"
          className="w-full text-sm text-emerald-800"
          data-testid="account-name-saved"
        >
          Saved.
        </p>
      ) : null}
    </form>
  );
}

function SignOutEverywhere() {
  const [confirming, setConfirming] = useState(false);
  const signOut = useSignOutEverywhere();
  const setMe = useSetMe();
  const router = useRouter();
  return (
    <>
      <Button
        variant="danger"
        onClick={() => setConfirming(true)}
        data-testid="sign-out-everywhere"
      >
        Sign out everywhere
      </Button>
      <ConfirmDialog
        open={confirming}
        title="Sign out on every device?"
        confirmLabel="Sign out everywhere"
        pending={signOut.isPending}
        error={signOut.isError ? errorMessage(signOut.error) : null}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          signOut.mutate(undefined, {
            onSuccess: () => {
              setMe(null);
              router.push("/sign-in");
            },
          })
        }
      >
        Every session you have, in this browser and any other, ends now. API keys keep working:
        revoke those in Settings.
      </ConfirmDialog>
    </>
  );
}

/** The signed-in person's own page: name, password, sessions. */
export function AccountView() {
  const me = useMe();
  if (!me.data) return null;
  return (
    <div className="space-y-6" data-testid="account-view">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Account</h1>
        <p className="mt-1 break-words text-slate-600">
          Signed in as {me.data.user.email}, {me.data.role} of {me.data.team.name}.
        </p>
      </div>
      <Section id="account-profile" title="Profile" description="How your team sees you.">
        <NameForm name={me.data.user.name} />
      </Section>
      <Section
        id="account-password"
        title="Password"
        description="Changing it signs you out on every other device."
      >
        <PasswordForm />
      </Section>
      <Section
        id="account-sessions"
        title="Sessions"
        description="Lost a device, or signed in somewhere you should not have? End every session."
      >
        <SignOutEverywhere />
      </Section>
    </div>
  );
}
