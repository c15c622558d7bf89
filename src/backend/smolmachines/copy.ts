import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BottleError } from "../../core/errors.ts";
import { bottlePath, copySource } from "../transfer/copy-source.ts";
import { UNPACK_SCRIPT } from "../transfer/unpack-script.ts";
import type { Backend } from "../types.ts";
import { readSmolDetails } from "./attach.ts";
import { listMachines } from "./machine-list.ts";
import { WORKSPACE } from "./smol-plan.ts";

/**
 * `bottle cp` for a microVM, which has no `docker cp`: a tar stream over `smolvm
 * machine exec` (stdout out of the guest, stdin into it), unpacked with docker cp's
 * meaning by {@link UNPACK_SCRIPT} on the receiving side. The tar passes through a
 * private temporary file, so each side's exit code is checked on its own (sh has no
 * pipefail) and nothing binary goes through the runner's text capture.
 */
export const copy: Backend["copy"] = async (identity, deps, request) => {
  const details = await readSmolDetails(identity, deps);
  const machine = (await listMachines(deps.runner)).find((m) => m.name === details.machine);
  if (machine?.state !== "running") {
    throw new BottleError(`${identity} is not running: copying needs its machine up`, { hint: `\`bottle resume ${identity} --detach\` first` });
  }
  const path = bottlePath(request.bottlePath, WORKSPACE);
  const scratch = await mkdtemp(join(tmpdir(), "bottle-cp-"));
  const archive = join(scratch, "copy.tar");
  const exec = (interactive: boolean, command: string[]) => [
    "smolvm", "machine", "exec", "--name", details.machine, ...(interactive ? ["-i"] : []), "--", ...command,
  ];
  try {
    if (request.direction === "out") {
      const source = copySource(path);
      // `exec "$@" > FILE`: the guest's tar stream lands in the file, byte for byte.
      await deps.runner.run(["sh", "-c", 'out="$1"; shift; exec "$@" > "$out"', "sh", archive, ...exec(false, ["tar", "-C", source.dir, "-cf", "-", source.base])], {
        signal: deps.signal,
      });
      // On the host the files become the caller's, as docker cp makes them.
      await deps.runner.run(["sh", "-c", `exec < "$4"; ${UNPACK_SCRIPT}`, "sh", request.hostPath, source.base, "--no-same-owner", archive], { signal: deps.signal });
      return;
    }
    const source = copySource(request.hostPath);
    await deps.runner.run(["tar", "-C", source.dir, "-cf", archive, source.base], { signal: deps.signal });
    await deps.runner.run(
      ["sh", "-c", 'in="$1"; shift; exec "$@" < "$in"', "sh", archive, ...exec(true, ["sh", "-c", UNPACK_SCRIPT, "sh", path.replace(/\/\.$/, "") || "/", source.base, ""])],
      { signal: deps.signal },
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
};
