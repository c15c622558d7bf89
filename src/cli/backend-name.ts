import * as v from "valibot";
import { backendNames, defaultBackendName } from "../backend/select.ts";
import { UsageError } from "../core/errors.ts";

/**
 * A backend's name, as `--backend` takes it. The list comes from the backend registry
 * (`src/backend/select.ts`), so adding a backend there needs no change here.
 */
export type BackendName = string;

/** By default, the first backend `src/backend/select.ts` registers (docker: it needs only a Docker engine). */
export const DEFAULT_BACKEND: BackendName = defaultBackendName();

/** `--backend` at the edge: a picklist of the registered backends. */
export function backendNameSchema(names: readonly string[] = backendNames()) {
  return v.picklist(names as [string, ...string[]]);
}

/** Validates the `--backend` flag; undefined when it was not given. A typo is a usage error before anything runs. */
export function parseBackendFlag(value: unknown, names: readonly string[] = backendNames()): BackendName | undefined {
  if (value === undefined) return undefined;
  const result = v.safeParse(backendNameSchema(names), value);
  if (result.success) return result.output;
  throw new UsageError(`unknown backend: ${String(value)}`, `pass ${names.map((name) => `--backend ${name}`).join(" or ")}`);
}
