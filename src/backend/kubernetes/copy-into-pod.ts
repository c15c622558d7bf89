import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Runner } from "../../core/runner.ts";
import { BottleError } from "../../core/errors.ts";
import { execInPod } from "./exec-in-pod.ts";
import type { KubeClient } from "./kube-client.ts";

/**
 * Copies a host folder's contents (dotfiles, uncommitted and ignored files too, as
 * `--cwd` does with docker) into a folder of a pod's container: `tar` packs it here
 * into a private temp file, and the exec API streams that into `tar -x` in the pod,
 * which runs as the pod's user, so the agent owns what it gets.
 */
export async function copyIntoPod(client: KubeClient, runner: Runner, pod: string, container: string, from: string, to: string): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), "bottle-kube-copy-"));
  try {
    const archive = join(scratch, "workspace.tar");
    await runner.run(["tar", "-C", from, "-cf", archive, "."], { timeoutMs: 600_000 });
    const stderr: Buffer[] = [];
    const { Writable } = await import("node:stream");
    const code = await execInPod(client, pod, container, ["tar", "-x", "-o", "-C", to, "-f", "-"], {
      stdin: createReadStream(archive),
      stderr: new Writable({ write: (chunk, _encoding, done) => void (stderr.push(Buffer.from(chunk)), done()) }),
    });
    if (code !== 0) throw new BottleError(`copying ${from} into the bottle failed: ${Buffer.concat(stderr).toString().trim() || `tar exited ${code}`}`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
