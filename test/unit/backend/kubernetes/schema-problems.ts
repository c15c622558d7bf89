// client-node 2.0.1 does not re-export its serializer from the package root.
import { ObjectSerializer } from "@kubernetes/client-node/dist/serializer.js";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Pod } from "kubernetes-models/v1/Pod";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import type { KubeObject } from "../../../../src/backend/kubernetes/kube-object.ts";

// Each kind's model from kubernetes-models, whose validate() runs the Kubernetes API's
// OpenAPI schema for it (types, required fields, enums, quantity and int-or-string formats).
const MODELS: Record<KubeObject["kind"], new (data: never) => { validate(): void }> = {
  ConfigMap,
  Secret,
  PersistentVolumeClaim,
  Service,
  NetworkPolicy,
  Pod,
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([a-z0-9.-]{1,253}\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Paths where `b` differs from `a` (keys one side lacks, values that differ). */
function differences(a: unknown, b: unknown, path = ""): string[] {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return Object.is(a, b) ? [] : [path || "/"];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((key) => differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}/${key}`));
}

/**
 * Every way `object` is not what the Kubernetes API takes, as messages (empty when
 * valid): the OpenAPI schema (kubernetes-models); no field the API does not know
 * (a round trip through client-node's serializer, generated from the same API's
 * OpenAPI document, keeps exactly the known fields, so a typo or a client-side name
 * like `_from` shows as a difference); and the name rules the API server checks
 * beyond the schema (DNS labels, label syntax, port names).
 */
export function schemaProblems(object: KubeObject): string[] {
  const problems: string[] = [];
  const where = `${object.kind} ${object.metadata.name}`;
  try {
    new MODELS[object.kind](object as never).validate();
  } catch (error) {
    problems.push(`${where}: ${(error as Error).message}`);
  }
  const type = `V1${object.kind}`;
  const wire = JSON.parse(JSON.stringify(object));
  const roundTrip = ObjectSerializer.serialize(ObjectSerializer.deserialize(wire, type), type);
  for (const path of differences(wire, JSON.parse(JSON.stringify(roundTrip)))) problems.push(`${where}: ${path} is not a field of ${type}`);

  const name = object.metadata.name;
  const nameRule = object.kind === "Service" ? DNS_1035 : DNS_SUBDOMAIN;
  if (!nameRule.test(name) || name.length > (object.kind === "Service" ? 63 : 253)) problems.push(`${where}: not a valid ${object.kind} name`);
  if (!DNS_LABEL.test(object.metadata.namespace) || object.metadata.namespace.length > 63) problems.push(`${where}: bad namespace`);
  for (const [key, value] of Object.entries({ ...object.metadata.labels })) {
    if (!QUALIFIED_NAME.test(key)) problems.push(`${where}: label key ${key}`);
    if (!LABEL_VALUE.test(value) || value.length > 63) problems.push(`${where}: label ${key} value ${value}`);
  }
  for (const key of Object.keys(object.metadata.annotations ?? {})) if (!QUALIFIED_NAME.test(key)) problems.push(`${where}: annotation key ${key}`);
  if (object.kind === "Pod") {
    const spec = object.spec!;
    for (const container of spec.containers) {
      if (!DNS_LABEL.test(container.name)) problems.push(`${where}: container name ${container.name}`);
      for (const port of container.ports ?? []) if (port.name !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(port.name)) problems.push(`${where}: port name`);
    }
    for (const volume of spec.volumes ?? []) if (!DNS_LABEL.test(volume.name)) problems.push(`${where}: volume name ${volume.name}`);
  }
  return problems;
}
