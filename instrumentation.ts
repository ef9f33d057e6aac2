// Next.js calls register() once per server process. NEXT_RUNTIME is set by Next itself (not
// configuration), and tells the Node.js server apart from the edge runtime.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Before any request: route handlers learn the socket's address from this stamp.
    const { installPeerStamp } = await import("./lib/http/peer-stamp");
    installPeerStamp();
    const { boot } = await import("./lib/boot");
    try {
      await boot();
      // server.mjs serves /api/anthropic through this handler, in this bundle's runtime.
      const { registerGatewayNodeHandler } = await import("./server/gateway-node-handler");
      registerGatewayNodeHandler();
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    }
  }
}
