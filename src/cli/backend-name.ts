import * as v from "valibot";
import { UsageError } from "../core/errors.ts";

/** The backends `--backend` accepts. By default, `docker`. */
export const BACKEND_NAMES = ["docker", "smolmachines"] as const;

/** One of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** `--backend` at the edge: a picklist, so a typo is a usage error before anything runs. */
export const BackendNameSchema = v.picklist(BACKEND_NAMES);

/** Validates the `--backend` flag; undefined when it was not given. */
export function parseBackendFlag(value: unknown): BackendName | undefined {
  if (value === undefined) return undefined;
  const result = v.safeParse(BackendNameSchema, value);
  if (result.success) return result.output;
  throw new UsageError(`unknown backend: ${String(value)}`, `pass --backend ${BACKEND_NAMES.join(" or --backend ")}`);
}
