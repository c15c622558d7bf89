import * as v from "valibot";
import { EgressSchema } from "./egress-schema.ts";
import { EnvValueSchema } from "./env-value.ts";
import { EnvNameSchema, NameSchema } from "./name-schema.ts";

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
  image: v.optional(ImageSchema, "default"),
  command: v.optional(v.pipe(v.array(v.string()), v.minLength(1, "a command needs at least the program"))),
  prompt: v.optional(v.string()),
  prompt_file: v.optional(v.string()),
  skills: v.optional(v.array(v.string()), []),
  /** Literal values go to a 0600 env-file; `${VAR}` is forwarded from the host by name. */
  env: v.optional(v.record(EnvNameSchema, EnvValueSchema), {}),
  bottle: v.optional(NameSchema, "default"),
});

/** A repo the git gate mirrors; pushes go upstream with a key only the gate reads. */
export const GitRepoSchema = v.strictObject({
  name: NameSchema,
  upstream: v.pipe(v.string(), v.minLength(1, "expected a git URL such as git@github.com:org/app.git")),
  key: v.optional(v.string()),
  push: v.optional(v.array(v.string()), []),
});

/** Resource limits; memory like `512m`, `4g`. */
export const ResourcesSchema = v.strictObject({
  cpus: v.optional(v.pipe(v.number(), v.minValue(0.1, "expected at least 0.1 CPUs"))),
  memory: v.optional(v.pipe(v.string(), v.regex(/^\d+(\.\d+)?[bkmgBKMG]?$/, "expected a size such as 512m or 4g"))),
});

/** One bottle: the sandbox an agent runs in. */
export const BottleSchema = v.strictObject({
  runtime: v.optional(v.picklist(["auto", "runc", "runsc"], "auto | runc | runsc"), "auto"),
  resources: v.optional(ResourcesSchema, {}),
  egress: v.optional(EgressSchema, {}),
  git: v.optional(v.array(GitRepoSchema), []),
  supervise: v.optional(v.boolean(), false),
});

/** The manifest, `bottle.yaml`. */
export const ManifestSchema = v.strictObject({
  version: v.literal(1, "unsupported version: this bottle reads version 1"),
  agents: v.record(NameSchema, AgentSchema),
  /** By default, `default` is the built-in default bottle (see default-manifest.ts). */
  bottles: v.optional(v.record(NameSchema, BottleSchema), {}),
});

export type Manifest = v.InferOutput<typeof ManifestSchema>;
export type AgentConfig = v.InferOutput<typeof AgentSchema>;
export type BottleConfig = v.InferOutput<typeof BottleSchema>;
export type GitRepo = v.InferOutput<typeof GitRepoSchema>;
