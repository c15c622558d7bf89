import type { StartSpec } from "../../src/backend/types.ts";
import { mintIdentity } from "../../src/core/identity.ts";
import { defaultBottle } from "../../src/manifest/default-manifest.ts";
import { BUILT_IN } from "../../src/manifest/load.ts";
import { resolveStart } from "../../src/manifest/resolve.ts";
import type { AgentConfig, BottleConfig } from "../../src/manifest/schema.ts";

/** What a test says about the spec it wants; the rest is resolved as `bottle start` would. */
export interface TestSpecOptions {
  agentName?: string;
  agent?: Partial<AgentConfig>;
  bottle?: Partial<BottleConfig>;
  identity?: string;
  manifestDir?: string;
  manifestFile?: string;
  copyFrom?: string;
  prompt?: string;
  /** The host env forwarded `${NAME}` values must be set in. */
  env?: Record<string, string | undefined>;
}

/**
 * A StartSpec made by the real resolver (`resolveStart`) from a one-agent manifest, so
 * tests never hand-build resolved fields (absolute paths, forwarded pairs, route
 * secret names) that could drift from what a start produces.
 */
export function testSpec(options: TestSpecOptions = {}): StartSpec {
  const agentName = options.agentName ?? "bbtest";
  const agent: AgentConfig = { image: "default", skills: [], env: {}, bottle: "default", ...options.agent };
  const bottle: BottleConfig = { ...defaultBottle(), ...options.bottle };
  return resolveStart(
    {
      manifest: { version: 1, agents: { [agentName]: agent }, bottles: { [agent.bottle]: bottle } },
      file: options.manifestFile ?? BUILT_IN,
      dir: options.manifestDir ?? process.cwd(),
    },
    {
      agent: agentName,
      identity: options.identity ?? mintIdentity(agentName),
      copyFrom: options.copyFrom,
      prompt: options.prompt,
      env: options.env ?? process.env,
    },
  );
}
