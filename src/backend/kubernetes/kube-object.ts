// Types only, in the API's wire form (`from`, not client-node's `_from`): the unit tests
// validate every rendered object against the same package's OpenAPI schemas.
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import type { IPod } from "kubernetes-models/v1/Pod";
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { IService } from "kubernetes-models/v1/Service";
import type { Role } from "../../core/labels.ts";
import type { KubernetesBottle } from "./kube-bottle.ts";
import { kubeLabels, OWNER_PATH_ANNOTATION } from "./kube-labels.ts";

/** Metadata every rendered object has: a name, a namespace, bottle's labels. */
export type KubeMetadata = NonNullable<IPod["metadata"]> & { name: string; namespace: string; labels: Record<string, string> };

type Rendered<T> = T & { metadata: KubeMetadata };

/** The kinds of object one bottle is made of, as rendered (apiVersion, kind, metadata set). */
export type KubeObject =
  | Rendered<IConfigMap>
  | Rendered<ISecret>
  | Rendered<IPersistentVolumeClaim>
  | Rendered<IService>
  | Rendered<INetworkPolicy>
  | Rendered<IPod>;

/** One rendered kind, by its `kind`. */
export type KubeObjectOf<Kind extends KubeObject["kind"]> = Extract<KubeObject, { kind: Kind }>;

/** The metadata of one of a bottle's objects: name, namespace, labels, owner path. */
export function kubeMetadata(bottle: KubernetesBottle, name: string, role: Role): KubeMetadata {
  return {
    name,
    namespace: bottle.namespace,
    labels: kubeLabels(bottle.identity, role, bottle.owner),
    annotations: { [OWNER_PATH_ANNOTATION]: bottle.owner },
  };
}
