/**
 * `npm run simulator -- --port 4010 [--host 127.0.0.1] [--ttft 200] [--tps 80] [--latency 0]
 *    [--limits '{"claude-sonnet-4-6":{"rpm":50,"itpm":30000,"otpm":8000}}']`
 *
 * Runs the Anthropic-protocol simulator in the foreground, for local development and benchmarks.
 * Point an Anthropic client (or Ensemble's provider) at the printed URL with any API key.
 */
import { startSimulator, type LimitTable } from "../lib/llm/simulator";
import { parseLimitTable } from "../lib/llm/simulator/limits";

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i === -1) return undefined;
  const arg = args[i] as string;
  return arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[i + 1];
}

function numberFlag(args: readonly string[], name: string, fallback: number): number {
  const raw = flag(args, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${name} must be a number >= 0 (got "${raw}")`);
    process.exit(2);
  }
  return value;
}

function limitsFlag(args: readonly string[]): LimitTable {
  const raw = flag(args, "limits");
  if (raw === undefined) return {};
  try {
    return parseLimitTable(JSON.parse(raw));
  } catch (error) {
    console.error(`--limits: ${(error as Error).message}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const sim = await startSimulator({
    port: numberFlag(args, "port", 4010),
    host: flag(args, "host") ?? "127.0.0.1",
    ttftMs: numberFlag(args, "ttft", 0),
    tokensPerSecond: numberFlag(args, "tps", 0),
    latencyMs: numberFlag(args, "latency", 0),
    limits: limitsFlag(args),
  });
  console.log(`Anthropic simulator listening on ${sim.url}`);
  console.log(
    `  POST ${sim.url}/v1/messages · GET ${sim.url}/_sim/stats · markers: [[sim:status=529]]`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping simulator (${sim.stats().requests} requests served)`);
    sim.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
