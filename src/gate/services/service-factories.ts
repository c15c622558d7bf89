import type { GateServiceFactory } from "./gate-service.ts";
import { createGitService } from "./git/git-service.ts";
import { superviseService } from "./supervise/supervise-service.ts";

/**
 * The services beyond the proxy port's own (egress, routes) that the gate starts when
 * their config enables them: each factory returns `undefined` otherwise. A new service
 * (git, supervise) adds its factory here and nowhere else.
 */
export const SERVICE_FACTORIES: GateServiceFactory[] = [superviseService, (config, context) => createGitService(config, context)];
