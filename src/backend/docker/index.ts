import type { Backend } from "../types.ts";
import { attach } from "./attach.ts";
import { cleanup } from "./cleanup.ts";
import type { DockerDetails } from "./docker-plan.ts";
import { doctor } from "./doctor.ts";
import { list } from "./list.ts";
import { logs } from "./logs.ts";
import { prepare } from "./prepare.ts";
import { steps } from "./steps.ts";
import { stop } from "./stop.ts";

/** The Docker backend: containers on an internal network behind the bottle's gate. */
export const dockerBackend: Backend<DockerDetails> = {
  name: "docker",
  summary: "containers behind a gate container",
  doctor,
  prepare,
  steps,
  cleanup,
  list,
  attach,
  stop,
  logs,
};
