import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { BottleError } from "../../core/errors.ts";
import type { Runner } from "../../core/runner.ts";
import { bottlePath, copySource } from "../transfer/copy-source.ts";
import { UNPACK_SCRIPT } from "../transfer/unpack-script.ts";
import type { CopyRequest } from "../types.ts";
import { execInPod } from "./exec-in-pod.ts";
import type { KubeClient } from "./kube-client.ts";
import { WORKSPACE } from "./render-agent.ts";

/** Collects what a command prints on stderr, for the error that names why it failed. */
function stderrSink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return { stream: new Writable({ write: (chunk, _encoding, done) => void (chunks.push(Buffer.from(chunk)), done()) }), text: () => Buffer.concat(chunks).toString().trim() };
}

/**
 * `bottle cp` with a pod: a tar stream over the exec API (the pod's stdout out, its
 * stdin in), unpacked with docker cp's meaning by {@link UNPACK_SCRIPT} on the
 * receiving side, as the smolmachines backend does over `smolvm machine exec`. The tar
 * passes through a private temporary file, so each side's exit code is checked on its
 * own. In the pod it runs as the pod's user, so what lands there is the agent's; on
 * the host, the caller's.
 */
export async function copyWithPod(client: KubeClient, runner: Runner, pod: string, request: CopyRequest, signal?: AbortSignal): Promise<void> {
  const path = bottlePath(request.bottlePath, WORKSPACE);
  const scratch = await mkdtemp(join(tmpdir(), "bottle-kube-cp-"));
  const archive = join(scratch, "copy.tar");
  const failed = (what: string, code: number, why: string) => new BottleError(`bottle cp: ${what} failed in ${pod}: ${why || `exit ${code}`}`);
  try {
    if (request.direction === "out") {
      const source = copySource(path);
      const file = createWriteStream(archive, { mode: 0o600 });
      const stderr = stderrSink();
      const code = await execInPod(client, pod, "agent", ["tar", "-C", source.dir, "-cf", "-", source.base], { stdout: file, stderr: stderr.stream });
      // client-node 2.0.1 leaves the stream open when the status arrives: the file is whole once it closes.
      if (!file.writableEnded) file.end();
      await finished(file);
      if (code !== 0) throw failed(`packing ${path}`, code, stderr.text());
      await runner.run(["sh", "-c", `exec < "$4"; ${UNPACK_SCRIPT}`, "sh", request.hostPath, source.base, "--no-same-owner", archive], { signal });
      return;
    }
    const source = copySource(request.hostPath);
    await runner.run(["tar", "-C", source.dir, "-cf", archive, source.base], { signal });
    const stderr = stderrSink();
    const code = await execInPod(client, pod, "agent", ["sh", "-c", UNPACK_SCRIPT, "sh", path.replace(/\/\.$/, "") || "/", source.base, ""], {
      stdin: createReadStream(archive),
      stderr: stderr.stream,
    });
    if (code !== 0) throw failed(`unpacking into ${path}`, code, stderr.text());
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
