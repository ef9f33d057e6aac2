import type { Metadata } from "next";
import { SignInForm } from "@/components/auth/sign-in-form";
import { safeNext } from "@/components/auth/safe-next";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { next } = await searchParams;
  return <SignInForm next={safeNext(next)} />;
}
