import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { parse } from "yaml";
import type { KubeTarget } from "./kube-target.ts";

/** The kubeconfig files in effect: the target's, else `$KUBECONFIG`'s list, else `~/.kube/config`. */
export function kubeconfigFiles(target: Pick<KubeTarget, "kubeconfig">, env: Record<string, string | undefined>): string[] {
  if (target.kubeconfig !== undefined) return [target.kubeconfig];
  const listed = (env.KUBECONFIG ?? "").split(delimiter).filter((path) => path !== "");
  return listed.length > 0 ? listed : [join(env.HOME ?? homedir(), ".kube", "config")];
}

interface KubeconfigText {
  "current-context"?: string;
  contexts?: { name?: string; context?: { namespace?: string } }[];
}

/**
 * What the kubeconfig says without asking the cluster: the context in effect (the
 * target's, else the first file's `current-context`, as kubectl merges them) and its
 * namespace. `prepare` and `bottle plan` need the namespace and must not touch a
 * cluster; a missing or unreadable file leaves both undefined (doctor reports it).
 */
export function readKubeconfig(files: readonly string[], context: string | undefined): { context: string | undefined; namespace: string | undefined; known?: boolean } {
  const configs: KubeconfigText[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    try {
      configs.push((parse(readFileSync(file, "utf8")) ?? {}) as KubeconfigText);
    } catch {
      // Not YAML: client-node reports it when the backend connects.
    }
  }
  const current = context ?? configs.find((config) => config["current-context"])?.["current-context"];
  const entry = configs.flatMap((config) => config.contexts ?? []).find((candidate) => candidate.name === current);
  const found = { context: current, namespace: entry?.context?.namespace };
  // `known`: the context is one the files define (a `--context` may name one they lack).
  return current === undefined ? found : { ...found, known: entry !== undefined };
}
