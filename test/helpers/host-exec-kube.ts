import { Readable, type Writable } from "node:stream";
import type { KubeClient } from "../../src/backend/kubernetes/kube-client.ts";
import { processRunner } from "../../src/core/runner.ts";

/** One exec the stand-in was asked for: which pod and container, and the command. */
export interface HostExecCall {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
}

/**
 * A `KubeClient` whose exec API runs the command on this host, with client-node's
 * `Exec.exec` signature and its habits (it resolves when the stream opens, reports the
 * exit through the status callback as a V1Status, and leaves the caller's stdout
 * stream open): the copy and provisioning code runs unchanged against real tar and sh,
 * which no cluster can run here; `env` is the "pod's" environment on top of this
 * process's. Only `lib.Exec` and `namespace` are there.
 */
export function hostExecKube(calls: HostExecCall[] = [], env: Record<string, string> = {}): KubeClient {
  class Exec {
    async exec(
      namespace: string,
      pod: string,
      container: string,
      command: string[],
      stdout: Writable | null,
      stderr: Writable | null,
      stdin: Readable | null,
      _tty: boolean,
      status: (status: { status: string; details?: { causes?: { reason: string; message: string }[] } }) => void,
    ) {
      calls.push({ namespace, pod, container, command });
      const child = processRunner.start(command, {
        check: false,
        stdio: "stream",
        env,
        ...(stdin === null ? {} : { stdin: Readable.toWeb(stdin) as ReadableStream<Uint8Array> }),
      });
      const copied = (async () => {
        if (child.stdout === undefined) return;
        for await (const chunk of child.stdout) stdout?.write(chunk);
      })();
      const listeners: (() => void)[] = [];
      void Promise.all([child.exited, copied]).then(([result]) => {
        if (result.stderr !== "") stderr?.write(result.stderr);
        status(result.exitCode === 0 ? { status: "Success" } : { status: "Failure", details: { causes: [{ reason: "ExitCode", message: String(result.exitCode) }] } });
        for (const listener of listeners) listener();
      });
      return { on: (_event: "close", listener: () => void) => listeners.push(listener) };
    }
  }
  return { namespace: "bottles", lib: { Exec } } as unknown as KubeClient;
}
