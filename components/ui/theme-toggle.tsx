"use client";

import { useEffect } from "react";
import { useLocalStorage } from "./use-local-storage";

type Theme = "system" | "light" | "dark";

const KEY = "ensemble-theme";
const NEXT: Record<Theme, Theme> = { system: "light", light: "dark", dark: "system" };
const LABEL: Record<Theme, string> = {
  system: "Theme: system",
  light: "Theme: light",
  dark: "Theme: dark",
};
const ICON: Record<Theme, string> = { system: "◐", light: "☀", dark: "☾" };

/**
 * Runs before first paint (inlined in <head> by app/layout.tsx), so a dark page never flashes
 * light: the stored choice, else the system preference.
 */
export const THEME_SCRIPT = `(function(){try{var t=localStorage.getItem("${KEY}");var d=t==="dark"||(t!=="light"&&matchMedia("(prefers-color-scheme: dark)").matches);document.documentElement.classList.toggle("dark",d);}catch(e){}})();`;

function apply(theme: Theme) {
  const dark =
    theme === "dark" ||
    (theme === "system" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.classList.toggle("dark", dark);
}

/** Cycles system → light → dark; "system" keeps following the OS as it changes. */
export function ThemeToggle() {
  const [stored, setStored] = useLocalStorage(KEY);
  const theme: Theme = stored === "light" || stored === "dark" ? stored : "system";

  useEffect(() => {
    apply(theme);
    if (theme !== "system") return;
    const media = window.matchMedia("(prefers-color-scheme: dark)");
    const onChange = () => apply("system");
    media.addEventListener("change", onChange);
    return () => media.removeEventListener("change", onChange);
  }, [theme]);

  function cycle() {
    const next = NEXT[theme];
    setStored(next === "system" ? null : next);
  }

  return (
    <button
      type="button"
      onClick={cycle}
      className="rounded-md border border-slate-200 px-2.5 py-1.5 text-sm text-slate-700 hover:bg-slate-100"
      aria-label={`${LABEL[theme]} (change)`}
      title={LABEL[theme]}
      data-testid="theme-toggle"
      data-theme={theme}
    >
      <span aria-hidden>{ICON[theme]}</span>
    </button>
  );
}
