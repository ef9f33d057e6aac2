import type { Metadata } from "next";
import { AuthGate } from "@/components/auth/auth-gate";
import { AccountView } from "@/components/account/account-view";

export const metadata: Metadata = { title: "Account" };

export default function AccountPage() {
  return (
    <AuthGate>
      <AccountView />
    </AuthGate>
  );
}
