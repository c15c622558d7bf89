import type { DoctorCheck } from "../../core/doctor/doctor-check.ts";
import { readSettings } from "../../core/settings.ts";
import type { Availability, Backend } from "../types.ts";
import { apiMessage } from "./apply-objects.ts";
import { connectKube } from "./kube-client.ts";
import type { KubeDetails } from "./kube-plan.ts";
import { DEFAULT_RUNTIME_CLASS, kubeTarget } from "./kube-target.ts";
import { kubeconfigFiles, readKubeconfig } from "./kubeconfig-file.ts";
import { existsSync } from "node:fs";

/** The target doctor and the picker look at: the settings' (`--context`…), no manifest's. */
function defaultTarget(env: Record<string, string | undefined>) {
  return kubeTarget("runsc", undefined, process.cwd(), readSettings(env));
}

/** Usable when a kubeconfig names a context; nothing is asked of a cluster for that. */
export async function availability(deps: { env: Record<string, string | undefined> }): Promise<Availability> {
  const target = defaultTarget(deps.env);
  const files = kubeconfigFiles(target, deps.env).filter((file) => existsSync(file));
  if (files.length === 0) return { usable: false, reason: "no kubeconfig (set KUBECONFIG or BOTTLE_KUBECONFIG)" };
  const found = readKubeconfig(files, target.context);
  if (found.context === undefined) return { usable: false, reason: "the kubeconfig names no current context" };
  return found.known === true ? { usable: true } : { usable: false, reason: `the kubeconfig has no context ${found.context}` };
}

/**
 * `bottle doctor` for Kubernetes (experimental): the kubeconfig and its context, whether
 * the API server answers, whether the gVisor RuntimeClass exists, and NetworkPolicy
 * enforcement, which no API reports: a cluster whose network plugin ignores
 * NetworkPolicies accepts them silently, so it is always `unknown`. The kubeconfig and
 * the API are required (they only warn in a doctor of every backend, where Kubernetes
 * is optional; `doctor --backend kubernetes` says it cannot run without them).
 */
export const doctor: Backend<KubeDetails>["doctor"] = async (deps) => {
  // No environment handed in (a test's deps): nothing to look at, and no cluster is asked.
  const env = deps.env ?? {};
  const target = defaultTarget(env);
  const files = deps.env === undefined ? [] : kubeconfigFiles(target, env).filter((file) => existsSync(file));
  const found = readKubeconfig(files, target.context);
  if (files.length === 0 || found.context === undefined) {
    return [{ name: "kubeconfig", status: "warn", required: true, summary: "no kubeconfig context (only `--backend kubernetes` needs one)", hint: "set KUBECONFIG or BOTTLE_KUBECONFIG" }];
  }
  if (found.known !== true) return [{ name: "kubeconfig", status: "warn", required: true, summary: `${files.join(":")} has no context ${found.context}`, hint: "`kubectl config get-contexts` lists them" }];
  const checks: DoctorCheck[] = [{ name: "kubeconfig", status: "ok", required: true, summary: `${files.join(":")}, context ${found.context}` }];
  try {
    const client = await connectKube(target, env);
    const version = await client.config.makeApiClient(client.lib.VersionApi).getCode().catch((error: unknown) => {
      throw new Error(apiMessage(error));
    });
    checks.push({ name: "kubernetes-api", status: "ok", required: true, summary: `${client.server} answers (Kubernetes ${version.gitVersion})` });
    const name = target.runtimeClassName ?? DEFAULT_RUNTIME_CLASS;
    const runtime = await client.node.readRuntimeClass({ name }).then(
      (found): DoctorCheck => ({ name: "runtimeclass", status: "ok", summary: `RuntimeClass ${name} (handler ${found.handler})` }),
      (): DoctorCheck => ({ name: "runtimeclass", status: "warn", summary: `no RuntimeClass ${name}: runtime runsc cannot start there`, hint: "install gVisor on the nodes and its RuntimeClass, or set kubernetes.runtime_class" }),
    );
    checks.push(runtime);
  } catch (error) {
    checks.push({ name: "kubernetes-api", status: "warn", required: true, summary: `the API server did not answer: ${(error as Error).message}`, hint: "`kubectl cluster-info` says more" });
  }
  checks.push({ name: "networkpolicy", status: "warn", summary: "enforcement unknown: the API accepts NetworkPolicies even where the network plugin ignores them", hint: "use a plugin that enforces them (Calico, Cilium…)" });
  return checks;
};
