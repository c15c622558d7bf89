import * as v from "valibot";
import { parseUpstream } from "./parse-upstream.ts";

/**
 * One repo in the gate's config (`git:`), resolved by the CLI from the manifest:
 * paths are the gate's own, the host key is pinned text, and the token is still a
 * `${NAME}` the gate reads from its environment. Nothing here is a secret.
 */
export const GateGitRepoSchema = v.strictObject({
  name: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9_.-]{0,39}$/, "a repo name: lowercase letters, digits, '_', '.', '-'")),
  upstream: v.pipe(
    v.string(),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const parsed = parseUpstream(dataset.value);
      if (!parsed.ok) addIssue({ message: parsed.message });
    }),
  ),
  /** The ssh private key's path in the gate (mode 0600). */
  key: v.optional(v.pipe(v.string(), v.minLength(1, "a file path"))),
  /** known_hosts lines pinned for an ssh upstream; by default none, and ssh refuses every host. */
  known_hosts: v.optional(v.string()),
  /** `${NAME}`: the https token, read from the gate's environment. */
  token: v.optional(v.pipe(v.string(), v.regex(/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/, "exactly ${NAME}: the token is read from the gate's environment"))),
  push: v.optional(v.array(v.pipe(v.string(), v.minLength(1, "a branch glob such as bottle/*"))), []),
  force: v.optional(v.boolean(), false),
  delete: v.optional(v.boolean(), false),
  tags: v.optional(v.boolean(), false),
});

/** A repo as the gate serves it. */
export type GateGitRepo = v.InferOutput<typeof GateGitRepoSchema>;

/** The gate config's `git` key: the repos the git service serves; by default none (no service). */
export const GateGitSchema = v.optional(
  v.pipe(
    v.array(GateGitRepoSchema),
    v.check((repos) => new Set(repos.map((repo) => repo.name)).size === repos.length, "git repo names must be unique"),
  ),
);
