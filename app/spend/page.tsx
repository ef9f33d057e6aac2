import type { Metadata } from "next";
import { AuthGate } from "@/components/auth/auth-gate";
import { RequireRole } from "@/components/auth/require-role";
import { SpendDashboard } from "@/components/spend/spend-dashboard";

export const metadata: Metadata = { title: "Spend" };

export default function SpendPage() {
  return (
    <AuthGate>
      <RequireRole role="admin">
        <SpendDashboard />
      </RequireRole>
    </AuthGate>
  );
}
