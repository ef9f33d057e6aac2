import type { Metadata } from "next";
import { safeNext } from "@/components/auth/safe-next";
import { SignUpForm } from "@/components/auth/sign-up-form";

export const metadata: Metadata = { title: "Sign up" };

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { next, invite } = await searchParams;
  const token = (Array.isArray(invite) ? invite[0] : invite)?.trim() || null;
  return <SignUpForm next={safeNext(next)} invite={token} />;
}
