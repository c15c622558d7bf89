import type { CoreV1Api, KubeConfig, KubernetesObjectApi, NodeV1Api } from "@kubernetes/client-node";
import { existsSync } from "node:fs";
import { BottleError } from "../../core/errors.ts";
import { kubeconfigFiles } from "./kubeconfig-file.ts";
import type { KubeTarget } from "./kube-target.ts";

/** The cluster APIs the backend uses, for one target. */
export interface KubeClient {
  config: KubeConfig;
  /** The namespace the bottle's objects are in. */
  namespace: string;
  /** The API server's URL, for messages. */
  server: string;
  core: CoreV1Api;
  node: NodeV1Api;
  objects: KubernetesObjectApi;
  /** client-node itself, loaded once (Exec, its API classes). */
  lib: typeof import("@kubernetes/client-node");
  /** Its model serializer (client-node 2.0.1 does not re-export it from the package root). */
  serializer: (typeof import("@kubernetes/client-node/dist/serializer.js"))["ObjectSerializer"];
}

/**
 * Loads the kubeconfig of `target` and makes the API clients. `@kubernetes/client-node`
 * is imported here, on first use, not by the backend's module: it takes ~1 s to load
 * (Bun 1.4.5), which no other command should pay.
 */
export async function connectKube(target: KubeTarget, env: Record<string, string | undefined>): Promise<KubeClient> {
  const [lib, { ObjectSerializer: serializer }] = await Promise.all([import("@kubernetes/client-node"), import("@kubernetes/client-node/dist/serializer.js")]);
  const config = new lib.KubeConfig();
  const files = kubeconfigFiles(target, env);
  try {
    // One file, or KUBECONFIG's list merged as kubectl does: the first file's
    // current-context is kept.
    // kubectl skips files of the list that do not exist; so does this.
    const [first = files[0]!, ...rest] = files.filter((file) => existsSync(file));
    config.loadFromFile(first);
    for (const file of rest) {
      const more = new lib.KubeConfig();
      more.loadFromFile(file);
      config.mergeConfig(more, true);
    }
  } catch (error) {
    throw new BottleError(`cannot read the kubeconfig ${files.join(", ")}: ${(error as Error).message}`, {
      hint: "set `kubernetes.kubeconfig` in the bottle, BOTTLE_KUBECONFIG or KUBECONFIG",
      cause: error,
    });
  }
  if (target.context !== undefined) {
    if (config.getContextObject(target.context) === null) {
      throw new BottleError(`the kubeconfig has no context ${target.context}`, { hint: `contexts: ${config.getContexts().map((context) => context.name).join(", ") || "none"}` });
    }
    config.setCurrentContext(target.context);
  }
  const cluster = config.getCurrentCluster();
  if (cluster === null) throw new BottleError("the kubeconfig names no cluster for its current context", { hint: "`kubectl config get-contexts` lists them" });
  const namespace = target.namespace ?? config.getContextObject(config.getCurrentContext())?.namespace ?? "default";
  return {
    config,
    namespace,
    server: cluster.server,
    core: config.makeApiClient(lib.CoreV1Api),
    node: config.makeApiClient(lib.NodeV1Api),
    objects: lib.KubernetesObjectApi.makeApiClient(config),
    lib,
    serializer,
  };
}

/** The HTTP status of a client-node API error (its `code`), or undefined for another failure. */
export function apiStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === "number" ? code : undefined;
}
