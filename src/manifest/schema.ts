import * as v from "valibot";
import { EgressSchema } from "./egress-schema.ts";
import { EnvValueSchema } from "./env-value.ts";
import { MemorySchema } from "./memory-size.ts";
import { EnvNameSchema, NameSchema } from "./name-schema.ts";
import { SuperviseSchema } from "./supervise-schema.ts";

/** `default` (the top-level Dockerfile's image), an image reference, or a Dockerfile to build. */
export const ImageSchema = v.union(
  [
    v.pipe(v.string(), v.minLength(1, "an image reference, or `default`")),
    v.strictObject({
      dockerfile: v.string(),
      /** By default, the Dockerfile's folder. */
      context: v.optional(v.string()),
    }),
  ],
  "`default`, an image reference, or { dockerfile: PATH }",
);

/** One agent: what runs in the bottle and how. */
export const AgentSchema = v.strictObject({
  image: v.optional(
    v.pipe(ImageSchema, v.description("`default` (bottle's agent image), an image reference, or { dockerfile, context } to build")),
    "default",
  ),
  command: v.optional(
    v.pipe(
      v.array(v.string()),
      v.minLength(1, "a command needs at least the program"),
      v.description("The program and its arguments. By default, the image's command."),
    ),
  ),
  prompt: v.optional(v.pipe(v.string(), v.description("A first prompt for the agent (not with prompt_file)."))),
  prompt_file: v.optional(v.pipe(v.string(), v.description("A file holding the first prompt, relative to the manifest (not with prompt)."))),
  skills: v.optional(v.pipe(v.array(v.string()), v.description("Skill folders for the agent, relative to the manifest.")), []),
  /** Literal values go to a 0600 env-file; `${VAR}` is forwarded from the host by name. */
  env: v.optional(
    v.pipe(
      v.record(EnvNameSchema, EnvValueSchema),
      v.description("Agent environment: literal values (no newlines), or exactly ${NAME} to forward the host's NAME."),
    ),
    {},
  ),
  bottle: v.optional(v.pipe(NameSchema, v.description("The bottle this agent runs in.")), "default"),
});

/** A repo the git gate mirrors; pushes go upstream with a key only the gate reads. */
export const GitRepoSchema = v.strictObject({
  name: NameSchema,
  upstream: v.pipe(
    v.string(),
    v.minLength(1, "expected a git URL such as git@github.com:org/app.git"),
    v.description("Where the mirror comes from and approved pushes go: git@host:org/app.git, ssh://, https://, or a local path."),
  ),
  key: v.optional(v.pipe(v.string(), v.description("The SSH key for upstream; read by the gate only."))),
  host_key: v.optional(
    v.pipe(
      v.string(),
      v.description("The ssh upstream's host key (a known_hosts line, or `ssh-ed25519 AAAA…`). By default, the host's entry in ~/.ssh/known_hosts."),
    ),
  ),
  token: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/, "exactly ${NAME}: the token is forwarded from the host's NAME to the gate only"),
      v.description("https upstreams: ${NAME} of the host variable holding the token; the gate sends it, the agent never sees it."),
    ),
  ),
  push: v.optional(v.pipe(v.array(v.string()), v.description("Branch globs the agent may push, e.g. bottle/*. By default none: read-only.")), []),
  force: v.optional(v.pipe(v.boolean(), v.description("Allow non-fast-forward pushes to pushable branches. By default, false.")), false),
  delete: v.optional(v.pipe(v.boolean(), v.description("Allow deleting pushable branches. By default, false.")), false),
  tags: v.optional(v.pipe(v.boolean(), v.description("Allow pushing tags. By default, false.")), false),
});

/** Resource limits; memory like `512m`, `4g`, `4GiB` (as docker reads it). */
export const ResourcesSchema = v.strictObject({
  cpus: v.optional(v.pipe(v.number(), v.minValue(0.1, "expected at least 0.1 CPUs"))),
  memory: v.optional(MemorySchema),
});

/** A Kubernetes name: a DNS-1123 label (namespaces, RuntimeClasses, StorageClasses). */
const KubeNameSchema = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "not a Kubernetes name: lowercase letters, digits and '-', at most 63 characters"),
);

/** A storage size as Kubernetes writes it: 10Gi, 500Mi. */
const StorageSizeSchema = v.pipe(v.string(), v.regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/, "expected a size such as 10Gi or 500Mi"));

/** Where and how a bottle runs with `--backend kubernetes`; other backends ignore it. */
export const KubernetesSchema = v.strictObject({
  namespace: v.optional(v.pipe(KubeNameSchema, v.description("The namespace of the bottle's objects. By default, the context's namespace, else `default`."))),
  context: v.optional(v.pipe(v.string(), v.minLength(1), v.description("The kubeconfig context. By default, its current context."))),
  kubeconfig: v.optional(v.pipe(v.string(), v.minLength(1), v.description("The kubeconfig file, relative to the manifest. By default, $KUBECONFIG, else ~/.kube/config."))),
  runtime_class: v.optional(v.pipe(KubeNameSchema, v.description("The RuntimeClass for `runtime: runsc`. By default, gvisor."))),
  storage_class: v.optional(v.pipe(KubeNameSchema, v.description("The StorageClass of the workspace and home claims. By default, the cluster's default."))),
  workspace_size: v.optional(v.pipe(StorageSizeSchema, v.description("The workspace claim's size. By default, 10Gi."))),
  home_size: v.optional(v.pipe(StorageSizeSchema, v.description("The agent home claim's size. By default, 1Gi."))),
});

/** One bottle: the sandbox an agent runs in. */
export const BottleSchema = v.strictObject({
  runtime: v.optional(
    v.pipe(v.picklist(["auto", "runc", "runsc"], "auto | runc | runsc"), v.description("auto picks gVisor's runsc when the engine has it.")),
    "auto",
  ),
  resources: v.optional(ResourcesSchema, {}),
  egress: v.optional(v.pipe(EgressSchema, v.description("What the agent may reach, through the gate.")), {}),
  git: v.optional(v.pipe(v.array(GitRepoSchema), v.description("Repos the gate's git server mirrors.")), []),
  supervise: v.optional(v.pipe(SuperviseSchema, v.description("Let the agent ask a person for more capability (hosts, an image change).")), false),
  kubernetes: v.optional(v.pipe(KubernetesSchema, v.description("Namespace, context and storage for `--backend kubernetes`."))),
});

/** The manifest, `bottle.yaml`. */
export const ManifestSchema = v.strictObject({
  version: v.pipe(v.literal(1, "unsupported version: this bottle reads version 1"), v.description("The manifest format: 1.")),
  agents: v.pipe(v.record(NameSchema, AgentSchema), v.description("Agents by name: what runs, and in which bottle.")),
  /** By default, `default` is the built-in default bottle (see default-manifest.ts). */
  bottles: v.optional(
    v.pipe(v.record(NameSchema, BottleSchema), v.description("Bottles by name; `default` is built in unless defined here.")),
    {},
  ),
});

export type Manifest = v.InferOutput<typeof ManifestSchema>;
export type AgentConfig = v.InferOutput<typeof AgentSchema>;
export type BottleConfig = v.InferOutput<typeof BottleSchema>;
export type GitRepo = v.InferOutput<typeof GitRepoSchema>;
export type KubernetesConfig = v.InferOutput<typeof KubernetesSchema>;
