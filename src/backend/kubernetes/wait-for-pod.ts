import { setTimeout as sleep } from "node:timers/promises";
import { BottleError } from "../../core/errors.ts";
import { apiMessage } from "./apply-objects.ts";
import type { KubeClient } from "./kube-client.ts";

/** How long a pod may take to be ready. By default, 120 s: a cluster may pull the image first. */
export const POD_READY_MS = 120_000;

/**
 * Waits until the pod's `Ready` condition is true (the gate's is its own `/healthz`
 * readiness probe, run by the kubelet next to it: nothing is reached from the CLI's
 * host). A pod that failed, or one whose container cannot start (a bad image), fails
 * now with the kubelet's reason and the container's last log lines.
 */
export async function waitForPod(
  client: KubeClient,
  name: string,
  options: { deadlineMs?: number; signal?: AbortSignal | undefined; log: (line: string) => void },
): Promise<void> {
  const deadline = Date.now() + (options.deadlineMs ?? POD_READY_MS);
  let why = "not ready yet";
  while (Date.now() < deadline) {
    if (options.signal?.aborted) throw new BottleError("interrupted", { exitCode: 130 });
    const pod = await client.core.readNamespacedPod({ name, namespace: client.namespace }).catch((error: unknown) => {
      throw new BottleError(`cannot read pod ${name}: ${apiMessage(error)}`, { cause: error });
    });
    if (pod.status?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True")) return;
    const waiting = pod.status?.containerStatuses?.find((status) => status.state?.waiting?.reason !== undefined)?.state?.waiting;
    if (pod.status?.phase === "Failed" || pod.status?.phase === "Succeeded") {
      why = `it ended (${pod.status.phase}${pod.status.reason ? `: ${pod.status.reason}` : ""})`;
      break;
    }
    if (waiting !== undefined && /ErrImagePull|ImagePullBackOff|InvalidImageName|CreateContainerConfigError|CrashLoopBackOff/.test(waiting.reason ?? "")) {
      why = `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}`;
      break;
    }
    why = waiting?.reason ?? pod.status?.phase ?? why;
    await sleep(500);
  }
  const logs = await client.core.readNamespacedPodLog({ name, namespace: client.namespace, tailLines: 20 }).catch(() => "");
  if (logs.trim() !== "") options.log(`pod ${name}, last log lines:\n${logs.trim()}`);
  throw new BottleError(`pod ${name} did not become ready: ${why}`, { hint: `\`kubectl -n ${client.namespace} describe pod ${name}\` says more` });
}
