import * as v from "valibot";
import { EgressSchema } from "../manifest/egress-schema.ts";
import { GateGitSchema } from "./services/git/git-config-schema.ts";
import { SuperviseConfigSchema } from "./services/supervise/supervise-config.ts";

const LISTEN = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** `HOST:PORT` (`[::]:8080` for IPv6); port 0 picks a free port (tests, benchmarks). */
export const ListenSchema = v.pipe(
  v.string(),
  v.regex(LISTEN, "HOST:PORT, such as 0.0.0.0:8080"),
  v.check((text) => !LISTEN.test(text) || Number(LISTEN.exec(text)?.[2]) <= 65535, "a port from 0 to 65535"),
);

/**
 * What `bottle gate --config FILE` reads. `egress` is a bottle's egress policy, the
 * same schema as the manifest's. `git` and `supervise` will join as optional keys.
 */
export const GateConfigSchema = v.strictObject({
  listen: ListenSchema,
  egress: v.optional(EgressSchema, {}),
  /** The control port (`Bun.serve`: `/healthz`, git, supervise); by default, none. */
  control: v.optional(ListenSchema),
  /** By default, audit lines go to stderr. */
  audit: v.optional(v.pipe(v.string(), v.minLength(1, "a file path"))),
  /** Repos the git service mirrors and serves under `/git/<name>.git`; by default none. */
  git: GateGitSchema,
  /** A folder the gate's services keep state in (git mirrors in `git/`); by default, a temp folder each. */
  state: v.optional(v.pipe(v.string(), v.minLength(1, "a folder path"))),
  /** The supervise MCP server (requests folder, attended or not); by default off. */
  supervise: v.optional(SuperviseConfigSchema),
});

/** A validated gate config. */
export type GateConfig = v.InferOutput<typeof GateConfigSchema>;

/** Splits `listen` into what `server.listen` takes; brackets come off IPv6 hosts. */
export function parseListen(listen: string): { host: string; port: number } {
  const match = LISTEN.exec(listen);
  if (match === null) throw new Error(`not HOST:PORT: ${listen}`);
  return { host: match[1]!.replace(/^\[|\]$/g, ""), port: Number(match[2]) };
}
