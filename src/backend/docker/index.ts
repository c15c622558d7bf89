import type { Backend } from "../types.ts";
import { availability } from "./availability.ts";
import { attach } from "./attach.ts";
import { cleanup } from "./cleanup.ts";
import { copy } from "./copy.ts";
import type { DockerDetails } from "./docker-plan.ts";
import { doctor } from "./doctor.ts";
import { list } from "./list.ts";
import { logs } from "./logs.ts";
import { prepare } from "./prepare.ts";
import { remove } from "./remove.ts";
import { shell } from "./shell.ts";
import { steps } from "./steps.ts";
import { stop } from "./stop.ts";
import { workspaceSizes } from "./workspace-sizes.ts";

/** The Docker backend: containers on an internal network behind the bottle's gate. */
export const dockerBackend: Backend<DockerDetails> = {
  name: "docker",
  summary: "containers behind a gate container",
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
