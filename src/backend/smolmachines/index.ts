import type { Backend } from "../types.ts";
import { attach } from "./attach.ts";
import { cleanup } from "./cleanup.ts";
import { copy } from "./copy.ts";
import { doctor } from "./doctor.ts";
import { list } from "./list.ts";
import { logs } from "./logs.ts";
import { prepare } from "./prepare.ts";
import { remove } from "./remove.ts";
import { shell } from "./shell.ts";
import type { SmolDetails } from "./smol-plan.ts";
import { steps } from "./steps.ts";
import { stop } from "./stop.ts";
import { availability } from "./usable.ts";
import { workspaceSizes } from "./workspace-sizes.ts";

/** The smolmachines backend: a smolvm microVM per bottle, behind the same gate as docker. */
export const smolmachinesBackend: Backend<SmolDetails> = {
  name: "smolmachines",
  summary: "a microVM per bottle (needs smolvm and /dev/kvm)",
  availability,
  doctor,
  prepare,
  steps,
  cleanup,
  list,
  attach,
  stop,
  logs,
  copy,
  shell,
  remove,
  workspaceSizes,
};
