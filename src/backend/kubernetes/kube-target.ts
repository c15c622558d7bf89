import { isAbsolute, resolve } from "node:path";
import type { Settings } from "../../core/settings.ts";
import type { KubernetesConfig } from "../../manifest/schema.ts";

/** Where a Kubernetes bottle goes and what it asks of the cluster, defaults applied. */
export interface KubeTarget {
  /** The namespace of every object; undefined means the context's namespace, else `default`. */
  namespace: string | undefined;
  /** The kubeconfig file; undefined means `$KUBECONFIG`, else `~/.kube/config`. */
  kubeconfig: string | undefined;
  /** The kubeconfig context; undefined means its current context. */
  context: string | undefined;
  /** The RuntimeClass the pods name, or undefined for the cluster's default runtime. */
  runtimeClassName: string | undefined;
  storageClassName: string | undefined;
  workspaceSize: string;
  homeSize: string;
}

/** By default, the RuntimeClass a gVisor install registers (`runsc` handler). */
export const DEFAULT_RUNTIME_CLASS = "gvisor";

/**
 * Resolves the target from the bottle's `kubernetes:` block and the settings; the
 * settings (`BOTTLE_KUBERNETES_NAMESPACE`, `BOTTLE_KUBERNETES_CONTEXT`, which `--context`
 * sets, `BOTTLE_KUBECONFIG`) win over the manifest. `runtime: runsc` names the
 * configured RuntimeClass; `runc` and `auto` name none: a cluster has no runtime list
 * to probe without touching it, and `prepare` must not (doctor reports the class).
 */
export function kubeTarget(
  runtime: "auto" | "runc" | "runsc",
  config: KubernetesConfig | undefined,
  manifestDir: string,
  settings: Pick<Settings, "BOTTLE_KUBECONFIG" | "BOTTLE_KUBERNETES_NAMESPACE" | "BOTTLE_KUBERNETES_CONTEXT">,
): KubeTarget {
  const kubeconfig = settings.BOTTLE_KUBECONFIG ?? config?.kubeconfig;
  return {
    namespace: settings.BOTTLE_KUBERNETES_NAMESPACE ?? config?.namespace,
    kubeconfig: kubeconfig === undefined || isAbsolute(kubeconfig) ? kubeconfig : resolve(manifestDir, kubeconfig),
    context: settings.BOTTLE_KUBERNETES_CONTEXT ?? config?.context,
    runtimeClassName: runtime === "runsc" ? (config?.runtime_class ?? DEFAULT_RUNTIME_CLASS) : undefined,
    storageClassName: config?.storage_class,
    workspaceSize: config?.workspace_size ?? "10Gi",
    homeSize: config?.home_size ?? "1Gi",
  };
}
