import type { Backend } from "../types.ts";
import { availability } from "./usable.ts";
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

/** The smolmachines backend: a smolvm microVM per bottle, behind the same gate as docker. */
export const smolmachinesBackend: Backend = {
  name: "smolmachines",
  summary: "a microVM per bottle (needs smolvm and /dev/kvm)",
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
