"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";
import { postSignOut } from "@/components/auth/auth-api";
import { hasRole, type Me, type Role } from "@/components/auth/types";
import { useMe, useSetMe } from "@/components/auth/use-me";
import { ThemeToggle } from "./theme-toggle";

/** `minRole: null` links show to everyone, signed in or not (the pages themselves ask for a session). */
const SECTIONS: readonly { href: string; label: string; minRole: Role | null }[] = [
  { href: "/agents", label: "Agents", minRole: null },
  { href: "/runs", label: "Runs", minRole: null },
  { href: "/cache", label: "Cache", minRole: "admin" },
  { href: "/spend", label: "Spend", minRole: "admin" },
  { href: "/audit", label: "Audit log", minRole: "admin" },
  { href: "/settings", label: "Settings", minRole: "member" },
  { href: "/account", label: "Account", minRole: "member" },
];

const ROLE_BADGE: Record<Role, string> = {
  owner: "bg-violet-100 text-violet-800",
  admin: "bg-indigo-100 text-indigo-800",
  member: "bg-slate-100 text-slate-700",
};

function UserMenu({ me }: { me: Me }) {
  const router = useRouter();
  const setMe = useSetMe();
  const [pending, setPending] = useState(false);

  async function signOut() {
    setPending(true);
    try {
      await postSignOut();
    } finally {
      setMe(null);
      router.push("/sign-in");
      router.refresh();
      setPending(false);
    }
  }

  const initials = me.user.name
    .split(/\s+/)
    .map((part) => part[0] ?? "")
    .join("")
    .slice(0, 2)
    .toUpperCase();

  return (
    <div className="flex items-center gap-3" data-testid="user-menu" data-role={me.role}>
      <span
        aria-hidden
        className="hidden h-8 w-8 items-center justify-center rounded-full bg-gradient-to-br from-indigo-500 to-violet-600 text-xs font-semibold text-white sm:flex"
      >
        {initials || "?"}
      </span>
      <div className="hidden min-w-0 leading-tight md:block">
        <p className="truncate text-sm font-medium text-slate-900" data-testid="user-name">
          {me.user.name}
        </p>
        <p className="truncate text-xs text-slate-600" data-testid="user-team">
          {me.team.name}
        </p>
      </div>
      <span
        className={`rounded-full px-2 py-0.5 text-xs font-medium ${ROLE_BADGE[me.role]}`}
        data-testid="user-role"
        title={`${me.user.name} · ${me.team.name}`}
      >
        {me.role}
      </span>
      <button
        type="button"
        onClick={() => void signOut()}
        disabled={pending}
        className="rounded-md border border-slate-200 px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100 disabled:opacity-60"
        data-testid="sign-out"
      >
        {pending ? "Signing out…" : "Sign out"}
      </button>
    </div>
  );
}

function SectionLinks({ sections, pathname }: { sections: typeof SECTIONS; pathname: string }) {
  return (
    <ul className="flex flex-col gap-1 text-sm sm:flex-row">
      {sections.map((s) => {
        const active = pathname === s.href || pathname.startsWith(`${s.href}/`);
        return (
          <li key={s.href}>
            <Link
              href={s.href}
              aria-current={active ? "page" : undefined}
              className={`block rounded-md px-3 py-1.5 ${active ? "bg-slate-100 font-medium text-slate-900" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900"}`}
            >
              {s.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

function AuthLinks() {
  return (
    <div className="flex items-center gap-2 text-sm" data-testid="auth-links">
      <Link href="/sign-in" className="rounded-md px-3 py-1.5 text-slate-700 hover:bg-slate-100">
        Sign in
      </Link>
      <Link
        href="/sign-up"
        className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-500"
      >
        Sign up
      </Link>
    </div>
  );
}

/**
 * The app's header. From the small breakpoint up everything sits on one row; on a phone the
 * links and the account collapse behind a Menu button so the header stays one row tall.
 */
export function NavBar() {
  const pathname = usePathname();
  const me = useMe();
  const [open, setOpen] = useState(false);
  const role = me.data?.role ?? null;
  const sections = SECTIONS.filter(
    (s) => s.minRole === null || (role !== null && hasRole(role, s.minRole)),
  );
  // Any navigation closes the phone menu.
  const [lastPath, setLastPath] = useState(pathname);
  if (lastPath !== pathname) {
    setLastPath(pathname);
    setOpen(false);
  }

  const account = me.data ? (
    <UserMenu me={me.data} />
  ) : me.isPending ? (
    <span className="h-8 w-24 animate-pulse rounded-md bg-slate-100" aria-hidden />
  ) : (
    <AuthLinks />
  );

  return (
    <header className="border-b border-slate-200 bg-white">
      <nav
        aria-label="Main"
        className="mx-auto flex min-h-14 max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-2"
        data-testid="nav"
      >
        <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
          <span
            aria-hidden
            className="inline-block h-5 w-5 rounded-md bg-gradient-to-br from-indigo-500 to-violet-600"
          />
          Ensemble
        </Link>
        <div className="order-1 ml-auto flex items-center gap-2 sm:order-2 sm:ml-0">
          <ThemeToggle />
          <button
            type="button"
            className="rounded-md border border-slate-200 px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100 sm:hidden"
            aria-expanded={open}
            aria-controls="nav-menu"
            onClick={() => setOpen((o) => !o)}
            data-testid="nav-menu-button"
          >
            {open ? "Close" : "Menu"}
          </button>
        </div>
        <div
          id="nav-menu"
          className={`${open ? "flex" : "hidden"} order-2 w-full flex-col gap-3 pb-2 sm:order-1 sm:flex sm:w-auto sm:flex-1 sm:flex-row sm:items-center sm:pb-0`}
        >
          <SectionLinks sections={sections} pathname={pathname} />
          <div className="flex items-center gap-3 sm:ml-auto">{account}</div>
        </div>
      </nav>
    </header>
  );
}
