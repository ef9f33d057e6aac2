import "server-only";
import type { Env } from "@/lib/config";
import { type AnthropicProvider, createAnthropicProvider } from "@/lib/llm/anthropic-provider";
import { sdkLogger } from "@/lib/log";
import { type Simulator, startSimulator } from "@/lib/llm/simulator";
import { type UpstreamKeys, createUpstreamKeys, parseKeyList } from "@/lib/llm/upstream-keys";

export interface ProviderHandle {
  provider: AnthropicProvider;
  /** Where the provider sends requests (for the gateway's logs; never shown with a key). */
  baseURL: string;
  /** The upstream key(s) the gateway and runs call with; never leave the server. */
  keys: UpstreamKeys;
  /** The in-process simulator, when there is no ANTHROPIC_API_KEY (its stats count upstream calls). */
  simulator?: Simulator;
  close(): Promise<void>;
}

const ANTHROPIC_URL = "https://api.anthropic.com";

/**
 * The real Anthropic API when ANTHROPIC_API_KEY is set; otherwise the Anthropic-protocol
 * simulator, started in this process on a loopback port, behind the very same SDK client.
 */
export async function createModelProvider(config: Env): Promise<ProviderHandle> {
  if (config.ANTHROPIC_API_KEY) {
    const baseURL = config.ANTHROPIC_BASE_URL ?? ANTHROPIC_URL;
    const keys = createUpstreamKeys(parseKeyList(config.ANTHROPIC_API_KEY));
    return {
      provider: createAnthropicProvider({
        apiKey: keys.primary(),
        keys,
        baseURL,
        kind: "anthropic",
        logger: sdkLogger(),
      }),
      baseURL,
      keys,
      close: async () => {},
    };
  }
  const sim = await startSimulator({
    ttftMs: config.SIMULATOR_TTFT_MS,
    tokensPerSecond: config.SIMULATOR_TOKENS_PER_SECOND,
  });
  const apiKey = "simulator";
  return {
    provider: createAnthropicProvider({
      apiKey,
      baseURL: sim.url,
      kind: "simulator",
      logger: sdkLogger(),
    }),
    baseURL: sim.url,
    keys: createUpstreamKeys([apiKey]),
    simulator: sim,
    close: () => sim.close(),
  };
}
