// Next.js calls register() once per server process. NEXT_RUNTIME is set by Next itself (not
// configuration), and tells the Node.js server apart from the edge runtime.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { boot } = await import("./lib/boot");
    try {
      await boot();
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    }
  }
}
