import type { Backend } from "../types.ts";
import { availability } from "./availability.ts";
import { attach } from "./attach.ts";
import { cleanup } from "./cleanup.ts";
import { copy } from "./copy.ts";
import { launch } from "./launch.ts";
import { list } from "./list.ts";
import { logs } from "./logs.ts";
import { prepare } from "./prepare.ts";
import { remove } from "./remove.ts";
import { shell } from "./shell.ts";
import { stop } from "./stop.ts";

/** The Docker backend: containers on an internal network behind the bottle's gate. */
export const dockerBackend: Backend = {
  name: "docker",
  summary: "containers behind a gate container",
  availability,
  prepare,
  launch,
  cleanup,
  list,
  attach,
  stop,
  logs,
  copy,
  shell,
  remove,
};
