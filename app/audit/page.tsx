import type { Metadata } from "next";
import { AuditLog } from "@/components/audit/audit-log";
import { AuthGate } from "@/components/auth/auth-gate";
import { RequireRole } from "@/components/auth/require-role";

export const metadata: Metadata = { title: "Audit log" };

export default function AuditPage() {
  return (
    <AuthGate>
      <RequireRole role="admin">
        <AuditLog />
      </RequireRole>
    </AuthGate>
  );
}
