import { toJsonSchema } from "@valibot/to-json-schema";
import * as v from "valibot";
import type { Egress } from "../../../manifest/egress-schema.ts";
import { createPolicy } from "../../egress/policy.ts";
import { checkDockerfile } from "./check-dockerfile.ts";
import type { RequestView } from "./request-schema.ts";
import { MAX_PENDING, MAX_STORED, type Supervisor } from "./supervisor.ts";
import { ListEgressArgs, ProposeDockerfileArgs, RequestEgressArgs, RequestStatusArgs } from "./tool-arguments.ts";

/** One MCP tool as `tools/list` describes it. */
export interface ToolDescription {
  name: string;
  description: string;
  inputSchema: { type: "object"; [key: string]: unknown };
}

/** A tool's answer: text for the model (JSON), `isError` for a call that was wrong. */
export interface ToolAnswer {
  content: { type: "text"; text: string }[];
  isError?: boolean;
  [key: string]: unknown;
}

/** What a call may use while it runs. */
export interface ToolCall {
  client: string;
  signal: AbortSignal;
  /** Sends a progress notification (when the caller asked for them). */
  progress(waitedMs: number, totalMs: number, message: string): void;
}

function inputSchema(schema: v.GenericSchema): ToolDescription["inputSchema"] {
  // Trim/lower-case transforms have no JSON Schema form; the gate applies them itself.
  const { $schema, ...json } = toJsonSchema(schema, { errorMode: "ignore" });
  return json as ToolDescription["inputSchema"];
}

/** The four tools the supervise server offers. */
export function toolDescriptions(): ToolDescription[] {
  return [
    {
      name: "list-egress",
      description:
        "What this bottle's gate lets you reach now: allowed and denied hosts, private ranges, routes (by name and host; " +
        "credentials are injected by the gate, never shown) and hosts a person approved this session.",
      inputSchema: inputSchema(ListEgressArgs),
    },
    {
      name: "request-egress",
      description:
        "Ask a person to allow a host the gate refused (403 with X-Bottle-Block: not-allowed). Waits up to ~45 s for the " +
        "decision; if none came, answers status pending: call request-status with the id to keep waiting. Approved hosts " +
        "work at once, no restart.",
      inputSchema: inputSchema(RequestEgressArgs),
    },
    {
      name: "propose-dockerfile",
      description:
        "Propose a new Dockerfile for this bottle's agent image when the task needs a tool that is not installed and " +
        "cannot be installed at run time. Build on the image you run in now: `ARG BOTTLE_IMAGE` then `FROM ${BOTTLE_IMAGE}`, " +
        "`USER root` for installs, and end with `USER agent`. If a person approves, the bottle stops and resumes on the new " +
        "image with your workspace, home and session kept. Waits like request-egress.",
      inputSchema: inputSchema(ProposeDockerfileArgs),
    },
    {
      name: "request-status",
      description: "Where an earlier request stands (pending, approved, denied, expired) and the person's note; waits up to ~45 s while pending.",
      inputSchema: inputSchema(RequestStatusArgs),
    },
  ];
}

function answer(value: Record<string, unknown>, isError = false): ToolAnswer {
  return { content: [{ type: "text", text: JSON.stringify(value, null, 2) }], ...(isError ? { isError } : {}) };
}

function invalid(tool: string, issues: v.BaseIssue<unknown>[]): ToolAnswer {
  const problems = issues.map((issue) => `${issue.path?.map((item) => String(item.key)).join(".") || "arguments"}: ${issue.message}`);
  return answer({ error: `invalid arguments for ${tool}`, problems }, true);
}

/** What the agent is told, by status: a sentence that says what to do next. */
function outcome(view: RequestView): Record<string, unknown> {
  const { request, status, decision } = view;
  const dockerfile = request.tool === "propose-dockerfile";
  const message = {
    approved: dockerfile
      ? "approved: the bottle stops now and resumes on the new image; your workspace, home and session are kept"
      : `approved: ${String(request.arguments.host)} is allowed now; retry the request`,
    denied: "denied: do not ask again for the same thing unless the task changed",
    expired: "expired unanswered (counts as denied)",
    pending: "pending: no decision yet; call request-status with this id to keep waiting",
  }[status];
  return { id: request.id, status, ...(decision?.note === undefined ? {} : { note: decision.note }), message };
}

/**
 * Runs the supervise tools against a {@link Supervisor}: validates the arguments
 * (valibot), records requests, and waits for decisions with progress notifications.
 * `egress` is the policy in force now (config plus approvals).
 */
export async function callTool(name: string, args: unknown, supervisor: Supervisor, egress: () => Egress, call: ToolCall): Promise<ToolAnswer> {
  const settings = supervisor.settings;
  const waitMs = settings.wait_seconds * 1000;
  const wait = async (view: RequestView | "too-many" | "too-many-stored") => {
    if (view === "too-many") {
      return answer({ error: `${MAX_PENDING} requests of this bottle are waiting for a person already: wait for those (request-status) before asking again` }, true);
    }
    if (view === "too-many-stored") {
      return answer({ error: `this bottle has made ${MAX_STORED} requests already: no more are recorded; carry on without it, or tell the person what to add to the manifest` }, true);
    }
    const done =
      view.status !== "pending"
        ? view
        : ((await supervisor.waitFor(view.request.id, waitMs, {
            signal: call.signal,
            onTick: (waited) => call.progress(waited, waitMs, `waiting for a person to decide ${view.request.id}`),
          })) ?? view);
    if (done.status !== "pending") supervisor.store.markAnswered(done.request.id);
    return answer(outcome(done));
  };
  switch (name) {
    case "list-egress": {
      const parsed = v.safeParse(ListEgressArgs, args ?? {});
      if (!parsed.success) return invalid(name, parsed.issues);
      const now = egress();
      return answer({
        allow: now.allow,
        deny: now.deny,
        allow_cidrs: now.allow_cidrs,
        approved_this_bottle: supervisor.approved,
        ports: "HTTPS tunnels (CONNECT) go to port 443 unless an allow entry names ports (host:8443)",
        // Only where a route goes, never its credential (nor userinfo in its URL).
        routes: now.routes.map((route) => {
          const url = new URL(route.upstream);
          return { name: route.name, host: url.hostname, path: `/r/${route.name}/`, upstream_path: url.pathname };
        }),
        dlp: now.dlp.action,
      });
    }
    case "request-egress": {
      const parsed = v.safeParse(RequestEgressArgs, args);
      if (!parsed.success) return invalid(name, parsed.issues);
      const { host, ports, justification, failed_url } = parsed.output;
      if (!host.startsWith("*") && (ports === undefined || ports.length === 0)) {
        const verdict = createPolicy(egress()).checkHost(host);
        if (verdict.allowed) {
          return answer({ status: "allowed", message: `${host} is allowed already: a refusal had another reason (see X-Bottle-Block: private-address, dlp:…, or a port other than 443)` });
        }
        if (verdict.reason === "denied") return answer({ status: "denied", message: `${host} is on this bottle's deny list: only the manifest can change that` });
      }
      const request = { host, ...(ports === undefined ? {} : { ports }), ...(failed_url === undefined ? {} : { failed_url }) };
      return wait(supervisor.ask("request-egress", request, justification, call.client));
    }
    case "propose-dockerfile": {
      const parsed = v.safeParse(ProposeDockerfileArgs, args);
      if (!parsed.success) return invalid(name, parsed.issues);
      const check = checkDockerfile(parsed.output.dockerfile);
      if (!check.ok) return answer({ error: `the Dockerfile does not parse: ${check.problem}` }, true);
      return wait(supervisor.ask("propose-dockerfile", { dockerfile: parsed.output.dockerfile }, parsed.output.justification, call.client));
    }
    case "request-status": {
      const parsed = v.safeParse(RequestStatusArgs, args);
      if (!parsed.success) return invalid(name, parsed.issues);
      const view = supervisor.read(parsed.output.id);
      if (view === undefined) return answer({ error: `no request ${parsed.output.id} in this bottle` }, true);
      return wait(view);
    }
    default:
      return answer({ error: `no tool ${name}: the tools are list-egress, request-egress, propose-dockerfile, request-status` }, true);
  }
}
