import type { KubernetesObject } from "@kubernetes/client-node";
import { BottleError } from "../../core/errors.ts";
import { apiStatus, type KubeClient } from "./kube-client.ts";
import type { KubeObject } from "./kube-object.ts";

/**
 * The object as client-node's typed API takes it. Rendered objects are in the API's
 * wire form; client-node serializes its own models (`_from` for `from`), and would drop
 * a wire field it does not recognise, so each goes through its deserializer first (the
 * unit tests check the round trip is exact for every rendered object).
 */
function model(client: KubeClient, object: KubeObject): KubernetesObject {
  return client.serializer.deserialize(structuredClone(object), `V1${object.kind}`) as KubernetesObject;
}

/**
 * Creates one object. `existing: "keep"` takes an object that is already there as done
 * (a resumed bottle's claims); otherwise a conflict is an error naming the object.
 */
export async function createObject(client: KubeClient, object: KubeObject, existing: "keep" | "fail" = "fail"): Promise<void> {
  try {
    await client.objects.create(model(client, object));
  } catch (error) {
    if (apiStatus(error) === 409 && existing === "keep") return;
    throw new BottleError(`cannot create ${object.kind} ${object.metadata.name} in ${object.metadata.namespace}: ${apiMessage(error)}`, { cause: error });
  }
}

/** Deletes one object; one that is already gone is fine (undo must tolerate half-made bottles). */
export async function deleteObject(client: KubeClient, object: Pick<KubeObject, "apiVersion" | "kind" | "metadata">): Promise<void> {
  try {
    await client.objects.delete({ apiVersion: object.apiVersion, kind: object.kind, metadata: { name: object.metadata.name, namespace: object.metadata.namespace } }, undefined, undefined, 0);
  } catch (error) {
    if (apiStatus(error) === 404) return;
    throw new BottleError(`cannot delete ${object.kind} ${object.metadata.name}: ${apiMessage(error)}`, { cause: error });
  }
}

/** The API server's own message in a client-node error, else the error's. */
export function apiMessage(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === "string") {
    try {
      const parsed = JSON.parse(body) as { message?: string };
      if (parsed.message) return parsed.message;
    } catch {
      // Not JSON.
    }
  }
  const message = (body as { message?: string } | undefined)?.message;
  return message ?? (error as Error).message ?? String(error);
}
