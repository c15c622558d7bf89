import { BottleError } from "../../core/errors.ts";
import type { Role } from "../../core/labels.ts";
import type { KubernetesBottle, SecretSource } from "./kube-bottle.ts";
import { kubeMetadata, type KubeObjectOf } from "./kube-object.ts";

/** The annotation that lists a Secret's keys while its values are not yet read. */
export const SECRET_KEYS_ANNOTATION = "dev.bottle.secret-keys";

/**
 * A Secret as rendered: its keys and where each comes from, in an annotation, and no
 * data. `fillSecret` adds the values at launch; nothing before that reads them.
 */
export function renderSecret(bottle: KubernetesBottle, name: string, role: Role, sources: SecretSource[]): KubeObjectOf<"Secret"> {
  const metadata = kubeMetadata(bottle, name, role);
  const keys = sources.map((source) => `${source.key}=${"env" in source ? `env:${source.env}` : "file" in source ? `file:${source.file}` : "minted" in source ? "minted" : "manifest"}`);
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { ...metadata, annotations: { ...metadata.annotations, [SECRET_KEYS_ANNOTATION]: keys.join(",") } },
    type: "Opaque",
  };
}

/**
 * The Secret with its values, read now (launch): host variables from `env`, files with
 * `readFile`, literals from the manifest, minted values from `minted` (one per launch,
 * the same in each Secret). A missing variable is an error naming it, never a value.
 */
export async function fillSecret(
  secret: KubeObjectOf<"Secret">,
  sources: SecretSource[],
  read: { env: Record<string, string | undefined>; readFile: (path: string) => Promise<Uint8Array>; minted?: Record<string, string> },
): Promise<KubeObjectOf<"Secret">> {
  const data: Record<string, string> = {};
  for (const source of sources) {
    let bytes: Uint8Array;
    if ("env" in source) {
      const value = read.env[source.env];
      if (value === undefined || value === "") {
        throw new BottleError(`${source.env} is not set on the host (the bottle's ${source.key} comes from it)`, { hint: `export ${source.env}=…` });
      }
      bytes = new TextEncoder().encode(value);
    } else if ("file" in source) {
      bytes = await read.readFile(source.file);
    } else if ("minted" in source) {
      const value = read.minted?.[source.key];
      if (value === undefined) throw new BottleError(`no value was minted for the bottle's ${source.key}`);
      bytes = new TextEncoder().encode(value);
    } else {
      bytes = new TextEncoder().encode(source.literal);
    }
    data[source.key] = Buffer.from(bytes).toString("base64");
  }
  return { ...secret, data };
}
