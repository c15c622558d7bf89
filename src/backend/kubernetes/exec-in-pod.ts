import { Readable, Writable } from "node:stream";
import type { V1Status } from "@kubernetes/client-node";
import { BottleError } from "../../core/errors.ts";
import { apiMessage } from "./apply-objects.ts";
import type { KubeClient } from "./kube-client.ts";
import type { KubeTarget } from "./kube-target.ts";

/** The exit code in an exec's final status: 0 on Success, the `ExitCode` cause otherwise. */
export function execExitCode(status: V1Status): number {
  if (status.status === "Success") return 0;
  const cause = status.details?.causes?.find((entry) => entry.reason === "ExitCode");
  const code = Number(cause?.message);
  return Number.isInteger(code) ? code : 1;
}

/**
 * Runs `command` in a pod's container over the exec API (no TTY) and resolves with its
 * exit code once the API sends the final status: client-node resolves `exec` when the
 * stream opens, not when the command ends (2.0.1; its own `Cp.cpToPod` returns early
 * for the same reason).
 */
export function execInPod(
  client: KubeClient,
  pod: string,
  container: string,
  command: string[],
  io: { stdin?: Readable; stdout?: Writable; stderr?: Writable } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const exec = new client.lib.Exec(client.config);
    exec
      .exec(client.namespace, pod, container, command, io.stdout ?? null, io.stderr ?? null, io.stdin ?? null, false, (status) => resolve(execExitCode(status)))
      .then((socket) => socket.on("close", () => setTimeout(() => reject(new BottleError(`exec in ${pod} ended without a status`)), 100)))
      .catch((error: unknown) => reject(new BottleError(`cannot exec in pod ${pod}: ${apiMessage(error)}`, { cause: error })));
  });
}

/** What {@link execCaptured} answers: the exit code and what the command printed. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command` in a pod's container over the exec API with `stdin` (a PEM, a config
 * file: never argv) and captures its output. For the short commands of a launch
 * (installing the CA, registering supervise, reading the audit log).
 */
export async function execCaptured(client: KubeClient, pod: string, container: string, command: string[], stdin?: string): Promise<ExecResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (into: Buffer[]) => new Writable({ write: (chunk, _encoding, done) => void (into.push(Buffer.from(chunk)), done()) });
  const exitCode = await execInPod(client, pod, container, command, {
    stdout: sink(out),
    stderr: sink(err),
    ...(stdin === undefined ? {} : { stdin: Readable.from([Buffer.from(stdin)]) }),
  });
  return { exitCode, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

/**
 * The argv that runs `argv` in the agent's container (or the gate's) with a terminal:
 * `kubectl exec`, the piece of the Kubernetes backend that is a process, because the
 * lifecycle hands the terminal to a child (as `docker exec -it` does), and the CLI's
 * supervise commands relay requests through it. It names the same kubeconfig, context
 * and namespace the backend used.
 */
export function kubectlExec(
  target: Pick<KubeTarget, "kubeconfig" | "context">,
  namespace: string,
  pod: string,
  argv: string[],
  mode: { interactive: boolean; tty: boolean },
  container: "agent" | "gate" = "agent",
): string[] {
  return [
    "kubectl",
    ...(target.kubeconfig === undefined ? [] : ["--kubeconfig", target.kubeconfig]),
    ...(target.context === undefined ? [] : ["--context", target.context]),
    "--namespace", namespace,
    "exec",
    ...(mode.interactive ? ["--stdin"] : []),
    ...(mode.tty ? ["--tty"] : []),
    pod, "--container", container, "--", ...argv,
  ];
}
