// Playwright drives Debian's Chromium (its own browser download cannot work offline).
// Installs it with apt when missing and we are root; otherwise says what to do.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (existsSync(path)) process.exit(0);

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
if (isRoot && existsSync("/usr/bin/apt-get")) {
  console.log("Chromium is missing: installing Debian's chromium package…");
  execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium", {
    stdio: "inherit",
  });
  if (existsSync(path)) process.exit(0);
}
console.error(
  `No Chromium at ${path}. Install it (Debian/Ubuntu: sudo apt-get install -y chromium) ` +
    "or set CHROMIUM_PATH to a Chromium or Chrome binary.",
);
process.exit(1);
