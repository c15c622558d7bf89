import { UsageError } from "../core/errors.ts";
import { dockerBackend } from "./docker/index.ts";
import { smolmachinesBackend } from "./smolmachines/index.ts";
import type { Backend } from "./types.ts";

/** Every backend by name. Adding one (Kubernetes…) is a line here, not a CLI change. */
const BACKENDS: Record<string, () => Backend> = {
  docker: () => dockerBackend,
  smolmachines: () => smolmachinesBackend,
};

/** The one function that picks a backend by name. */
export function selectBackend(name: string): Backend {
  const make = BACKENDS[name];
  if (make === undefined) {
    throw new UsageError(`unknown backend: ${name}`, `available: ${Object.keys(BACKENDS).join(", ")}`);
  }
  return make();
}

/** Names of the backends this build has. */
export function backendNames(): string[] {
  return Object.keys(BACKENDS);
}
