import type { Metadata } from "next";
import { AuthGate } from "@/components/auth/auth-gate";
import { RequireRole } from "@/components/auth/require-role";
import { CacheDashboard } from "@/components/cache/cache-dashboard";

export const metadata: Metadata = { title: "Cache" };

export default function CachePage() {
  return (
    <AuthGate>
      <RequireRole role="admin">
        <CacheDashboard />
      </RequireRole>
    </AuthGate>
  );
}
