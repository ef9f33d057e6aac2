"use client";

import { hasRole } from "@/components/auth/types";
import { useMe } from "@/components/auth/use-me";
import { ApiKeysSection } from "./api-keys-section";
import { ConnectPanel } from "./connect-panel";
import { InvitesSection } from "./invites-section";
import { MembersSection } from "./members-section";

/** The settings page body; members see the member list and how to connect, admins keys, owners invites. */
export function SettingsView() {
  const me = useMe().data;
  if (!me) return null;
  const admin = hasRole(me.role, "admin");
  return (
    <div className="space-y-6" data-testid="settings">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
        <p className="mt-1 text-slate-600">
          {me.team.name} · you are {me.role === "admin" ? "an" : "a"} <strong>{me.role}</strong>
        </p>
      </div>
      <MembersSection me={me} />
      {me.role === "owner" ? <InvitesSection /> : null}
      {admin ? <ApiKeysSection me={me} /> : null}
      <ConnectPanel canCreateKeys={admin} />
    </div>
  );
}
