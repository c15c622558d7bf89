import * as v from "valibot";
import { BottleError } from "./errors.ts";

/** Empty means unset, as shells write `BOTTLE_X= bottle …` to unset one for a command. */
const optionalText = v.optional(v.pipe(v.string(), v.transform((text) => (text === "" ? undefined : text))));

/**
 * Every `BOTTLE_*` variable bottle reads, the one schema for them. Each is optional;
 * by default, bottle picks (see each backend for what "by default" means there).
 */
export const SettingsSchema = v.object({
  /** The manifest, after `--manifest`. */
  BOTTLE_MANIFEST: optionalText,
  /** Pins the docker agent container's name (scripts that `docker exec` into it). */
  BOTTLE_CONTAINER: v.optional(
    v.pipe(
      v.string(),
      v.transform((text) => (text === "" ? undefined : text)),
      v.check((text) => text === undefined || /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(text), "use letters, digits, '_', '.' and '-', starting with a letter or digit"),
    ),
  ),
  /** The IPv4 range bottle networks take their /28s from. */
  BOTTLE_SUBNET_POOL: optionalText,
  /** The base of the default agent image. */
  BOTTLE_BASE_IMAGE: optionalText,
  /** A ready gate image, used instead of building one from this binary. */
  BOTTLE_GATE_IMAGE: optionalText,
  /** Extra CA certificates (a file or a folder) the agent image trusts. */
  BOTTLE_EXTRA_CA_CERTS: optionalText,
  /** The registry image smolmachines packs through. */
  BOTTLE_REGISTRY_IMAGE: optionalText,
  /** Kubernetes: the namespace, over the bottle's `kubernetes.namespace`. */
  BOTTLE_KUBERNETES_NAMESPACE: optionalText,
  /** Kubernetes: the kubeconfig context (`--context` sets it), over `kubernetes.context`. */
  BOTTLE_KUBERNETES_CONTEXT: optionalText,
  /** Kubernetes: the kubeconfig file, over `kubernetes.kubeconfig` (then $KUBECONFIG). */
  BOTTLE_KUBECONFIG: optionalText,
  /** Kubernetes: the images the pods run, which the cluster must be able to pull. */
  BOTTLE_KUBERNETES_AGENT_IMAGE: optionalText,
});

/** bottle's settings from the environment, validated. */
export type Settings = v.InferOutput<typeof SettingsSchema>;

/** Reads the `BOTTLE_*` settings at the edge; a bad value is one error naming the variable. */
export function readSettings(env: Record<string, string | undefined>): Settings {
  const picked = Object.fromEntries(Object.keys(SettingsSchema.entries).flatMap((key) => (env[key] === undefined ? [] : [[key, env[key]]])));
  const result = v.safeParse(SettingsSchema, picked);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const key = String(issue.path?.[0]?.key ?? "BOTTLE_*");
  throw new BottleError(`${key}=${String(picked[key] ?? "")} is not valid: ${issue.message}`, { hint: `fix or unset ${key}` });
}
