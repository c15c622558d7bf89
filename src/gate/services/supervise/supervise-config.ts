import * as v from "valibot";

/** The env variable the gate reads the agent's bearer token from, by default. */
export const SUPERVISE_TOKEN_ENV = "BOTTLE_SUPERVISE_TOKEN";

/** Where the supervise MCP server answers on the gate's control port. */
export const SUPERVISE_PREFIX = "/mcp";

/**
 * The `supervise` key of a gate config: where requests live and whether a person can
 * decide them. The CLI writes it at launch; the token itself is in the gate's
 * environment (`token_env`), never in the file.
 */
export const SuperviseConfigSchema = v.strictObject({
  /** The requests folder (a mount of `<state>/<identity>/supervise/requests` in the gate container). */
  requests: v.pipe(v.string(), v.minLength(1, "a folder path")),
  /** By default, BOTTLE_SUPERVISE_TOKEN. */
  token_env: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name")), SUPERVISE_TOKEN_ENV),
  /** Whether anyone can approve: false (CI, no terminal, `when_unattended: deny`) denies every request at once. By default, false. */
  attended: v.optional(v.boolean(), false),
  /** How long a tool call waits for a decision before answering `pending`; by default 45 s (Claude Code cuts MCP calls off near 60 s). */
  wait_seconds: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(55)), 45),
  /** How long a request stays open before it counts as denied; by default 600 s. */
  expire_after_seconds: v.optional(v.pipe(v.number(), v.minValue(1)), 600),
  /** The Dockerfile the bottle runs on now, shown to the agent and diffed for the person; by default none. */
  dockerfile: v.optional(v.string()),
});

/** A validated `supervise` config. */
export type SuperviseConfig = v.InferOutput<typeof SuperviseConfigSchema>;
