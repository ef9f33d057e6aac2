import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { BudgetBanner } from "@/components/spend/budget-banner";
import { NavBar } from "@/components/ui/nav-bar";
import { THEME_SCRIPT } from "@/components/ui/theme-toggle";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Ensemble", template: "%s · Ensemble" },
  description: "Run tasks on many LLM agents at once; never pay twice for the same answer.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The theme script sets class="dark" before React hydrates.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen font-sans">
        <a
          href="#main"
          className="sr-only rounded-md bg-indigo-700 px-4 py-2 font-medium text-white focus:not-sr-only focus:fixed focus:left-4 focus:top-4 focus:z-50"
          data-testid="skip-link"
        >
          Skip to content
        </a>
        <Providers>
          <NavBar />
          <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-8 outline-none">
            <BudgetBanner />
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
