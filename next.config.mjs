/** @type {import('next').NextConfig} */
const nextConfig = {
  // These packages load wasm, native sockets or generated files at run time; bundling them breaks that.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@prisma/client",
    "@prisma/adapter-pg",
    "pg",
    "ioredis",
  ],
  // Lets parallel builds (several developers' checks on one machine) keep separate outputs.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
