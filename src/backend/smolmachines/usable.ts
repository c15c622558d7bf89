import { BottleError } from "../../core/errors.ts";
import type { Backend } from "../types.ts";
import { ensureSmolmachinesAvailable } from "./availability.ts";

/** Usable where `smolvm` answers and `/dev/kvm` is read-write: the checks launch makes first. */
export const availability: Backend["availability"] = async (deps) => {
  try {
    await ensureSmolmachinesAvailable(deps);
    return { usable: true };
  } catch (error) {
    if (!(error instanceof BottleError)) throw error;
    return { usable: false, reason: error.message.replace(/^the smolmachines backend cannot run here: /, "") };
  }
};
