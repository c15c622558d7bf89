import type { StartSpec } from "../backend/types.ts";
import type { BackendName } from "./backend-name.ts";
import { selectBackend } from "../backend/select.ts";
import { describeAllowEntry, gateTls, inspectsTls } from "../manifest/tls-schema.ts";
import { superviseSettings } from "../manifest/supervise-schema.ts";

/** A route as the plan shows it: where it goes and which header it fills, never the value. */
export interface RouteView {
  name: string;
  upstream: string;
  roles: string[];
  /** The header the gate injects, if any. */
  injectHeader: string | null;
  /** Host variables the injected value is built from (`${NAME}`), by name only. */
  injectFrom: string[];
}

/** What `bottle plan` prints: the resolved spec, with names where values would be secret. */
export interface PlanView {
  /** The identity this start would use; a real start mints its own. */
  identity: string;
  manifest: string;
  agent: string;
  bottle: string;
  backend: BackendName;
  image: string | { dockerfile: string; context: string };
  /** By default (null), the image's own command. */
  command: string[] | null;
  /** `--prompt` given: the agent runs non-interactively. */
  mode: "interactive" | "prompt";
  workspace: { copyFrom: string | null };
  skills: string[];
  runtime: string;
  resources: { cpus: number | null; memory: string | null };
  egress: {
    allow: string[];
    deny: string[];
    allowCidrs: string[];
    routes: RouteView[];
    dlp: string;
    /** TLS inspection on or off, and the hosts left as tunnels. */
    tls: { inspect: boolean; passthrough: string[] };
    /** Credentials by host and header, with the variables they read: never the values. */
    credentials: { host: string; header: string; from: string[] }[];
  };
  git: { name: string; upstream: string; push: string[]; force: boolean; delete: boolean; tags: boolean }[];
  supervise: boolean;
  /** Env names only: literal ones go to a 0600 env-file, forwarded ones come from the host. */
  env: { literal: string[]; forwarded: string[] };
}

/** `${NAME}` references in a template, by name; everything else in it stays unseen. */
function referencedNames(template: string): string[] {
  return [...template.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((match) => match[1]!);
}

/** Builds the plan view of a resolved start. Pure: names and settings, no secret values. */
export function planView(spec: StartSpec, backend: BackendName, manifestFile: string): PlanView {
  const { agent, bottle } = spec;
  const source = spec.image;
  const image = source.kind === "default" ? "default" : source.kind === "ref" ? source.ref : { dockerfile: source.dockerfile, context: source.context };
  return {
    identity: spec.identity,
    manifest: manifestFile,
    agent: spec.agentName,
    bottle: spec.bottleName,
    backend,
    image,
    command: agent.command ?? null,
    mode: spec.prompt === undefined ? "interactive" : "prompt",
    workspace: { copyFrom: spec.copyFrom ?? null },
    skills: [...spec.skills],
    runtime: bottle.runtime,
    resources: { cpus: bottle.resources.cpus ?? null, memory: bottle.resources.memory ?? null },
    egress: {
      allow: bottle.egress.allow.map(describeAllowEntry),
      deny: [...bottle.egress.deny],
      allowCidrs: [...bottle.egress.allow_cidrs],
      routes: bottle.egress.routes.map((route) => ({
        name: route.name,
        upstream: route.upstream,
        roles: [...route.roles],
        injectHeader: route.inject?.header ?? null,
        injectFrom: route.inject === undefined ? [] : referencedNames(route.inject.value),
      })),
      dlp: bottle.egress.dlp.action,
      // What the backend's gate will do, not only what the bottle asks for.
      tls: { ...gateTls(bottle.egress), inspect: selectBackend(backend).inspectsTls?.(spec) ?? inspectsTls(bottle.egress) },
      credentials: (bottle.egress.credentials ?? []).map((credential) => ({
        host: credential.host,
        header: credential.header.toLowerCase(),
        from: referencedNames(credential.value),
      })),
    },
    git: bottle.git.map((repo) => ({ name: repo.name, upstream: repo.upstream, push: [...repo.push], force: repo.force, delete: repo.delete, tags: repo.tags })),
    supervise: superviseSettings(bottle.supervise).enabled,
    env: { literal: Object.keys(spec.env.literal).toSorted(), forwarded: spec.env.forwarded.map(({ from }) => from).toSorted() },
  };
}
