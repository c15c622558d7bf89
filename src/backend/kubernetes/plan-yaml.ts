import { stringify } from "yaml";
import type { KubeObject } from "./kube-object.ts";

/**
 * The objects as `kubectl apply -f` reads them: YAML documents separated by `---`, in
 * apply order. Secrets carry no values here (launch fills them).
 */
export function objectsYaml(objects: readonly KubeObject[]): string {
  return objects.map((object) => `---\n${stringify(object, { lineWidth: 0 })}`).join("");
}
