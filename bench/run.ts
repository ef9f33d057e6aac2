/**
 * One bench group, in its own process. Launched by bench/index.ts as
 *   node --conditions=react-server --expose-gc --import tsx bench/run.ts <group>
 * so that `import "server-only"` resolves to its empty export (see node_modules/server-only).
 */
import { log, writeGroup, type GroupResult } from "./util";

const resolved = import.meta.resolve("server-only");
if (!resolved.endsWith("/empty.js")) {
  log(
    `"server-only" resolved to ${resolved}; run with --conditions=react-server (use npm run bench)`,
  );
  process.exit(2);
}

const group = process.argv[2];
const groups: Record<string, () => Promise<GroupResult>> = {
  orchestrator: async () => (await import("./orchestrator")).orchestratorGroup(),
  memory: async () => (await import("./orchestrator")).memoryGroup(),
  cache: async () => (await import("./cache")).cacheGroup(),
  gateway: async () => (await import("./gateway")).gatewayGroup(),
  outbound: async () => (await import("./outbound")).outboundGroup(),
  "redis-outage": async () => (await import("./redis-outage")).redisOutageGroup(),
  resume: async () => (await import("./resume")).resumeGroup(),
  "run-start": async () => (await import("./resume")).runStartGroup(),
};
const run = group ? groups[group] : undefined;
if (!run) {
  log(`unknown group ${group}; one of ${Object.keys(groups).join(", ")}`);
  process.exit(2);
}
const result = await run();
await writeGroup(result);
// Pools, keep-alive sockets and intervals in lib/ may keep the loop alive; the results are written.
process.exit(0);
