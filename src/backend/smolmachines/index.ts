import type { Backend } from "../types.ts";
import { attach } from "./attach.ts";
import { cleanup } from "./cleanup.ts";
import { doctor } from "./doctor.ts";
import { list } from "./list.ts";
import { logs } from "./logs.ts";
import { prepare } from "./prepare.ts";
import type { SmolDetails } from "./smol-plan.ts";
import { steps } from "./steps.ts";
import { stop } from "./stop.ts";

/** The smolmachines backend: a smolvm microVM per bottle, behind the same gate as docker. */
export const smolmachinesBackend: Backend<SmolDetails> = {
  name: "smolmachines",
  summary: "a microVM per bottle (needs smolvm and /dev/kvm)",
  doctor,
  prepare,
  steps,
  cleanup,
  list,
  attach,
  stop,
  logs,
};
