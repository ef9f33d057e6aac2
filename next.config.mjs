const dev = process.env.NODE_ENV !== "production";

/**
 * A Content-Security-Policy Next's App Router works under without per-request nonces: its
 * hydration payload is inline <script>s, hence 'unsafe-inline' for scripts (nonces would force
 * every page to render dynamically); React's dev tooling also needs eval and the HMR socket.
 * Everything else is same-origin only, and nothing may frame the app (clickjacking).
 */
const csp = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  `connect-src 'self'${dev ? " ws: wss:" : ""}`,
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Sent with every page and API response. */
export const securityHeaders = [
  { key: "Content-Security-Policy", value: csp },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
  serverExternalPackages: [
    // These load wasm, native sockets or generated files at run time; bundling them breaks that.
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@prisma/client",
    "@prisma/adapter-pg",
    "pg",
    "ioredis",
    // These are loaded once from node_modules rather than bundled: Turbopack copies a route's
    // whole server graph into that route's own chunk, and the process keeps every chunk's source.
    "@zxcvbn-ts/core",
    "@zxcvbn-ts/language-common",
    "@zxcvbn-ts/language-en",
    "@anthropic-ai/sdk",
    "undici",
    "zod",
    "pino",
    "prom-client",
    "lru-cache",
    "@upstash/ratelimit",
    "@upstash/redis",
    "csv-stringify",
  ],
  // Lets parallel builds (several developers' checks on one machine) keep separate outputs.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
