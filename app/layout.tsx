import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { NavBar } from "@/components/ui/nav-bar";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Ensemble", template: "%s · Ensemble" },
  description: "Run tasks on many LLM agents at once; never pay twice for the same answer.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <Providers>
          <NavBar />
          <main className="mx-auto max-w-6xl px-4 py-8">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
