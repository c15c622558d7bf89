import type { GateConfig } from "../config-schema.ts";
import type { GateServiceFactory } from "./gate-service.ts";

/** A service beyond the proxy port's own, loaded only when the config enables it. */
export type LazyServiceFactory = {
  /** Whether `config` enables the service (its factory would return a service). */
  enabled(config: GateConfig): boolean;
  load(): Promise<GateServiceFactory>;
};

/**
 * The services beyond the proxy port's own (egress, routes) that the gate starts when
 * their config enables them. A new service (git, supervise) adds its entry here and
 * nowhere else. Their modules are imported only when enabled: the MCP SDK and the git
 * gate were loaded into every gate, used or not (idle RSS, start time).
 */
export const SERVICE_FACTORIES: readonly LazyServiceFactory[] = [
  {
    enabled: (config) => config.supervise !== undefined,
    load: async () => (await import("./supervise/supervise-service.ts")).superviseService,
  },
  {
    enabled: (config) => (config.git ?? []).length > 0,
    load: async () => {
      const { createGitService } = await import("./git/git-service.ts");
      return (config, context) => createGitService(config, context);
    },
  },
];

/** The factories of the services `config` enables, their modules loaded. */
export async function loadServiceFactories(config: GateConfig): Promise<GateServiceFactory[]> {
  return Promise.all(SERVICE_FACTORIES.filter((entry) => entry.enabled(config)).map((entry) => entry.load()));
}
