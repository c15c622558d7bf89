import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { processRunner } from "../../../../../src/core/runner.ts";
import { GateConfigSchema } from "../../../../../src/gate/config-schema.ts";
import { startGate, type Gate } from "../../../../../src/gate/serve-gate.ts";
import { requestsDir } from "../../../../../src/gate/services/supervise/bottle-requests.ts";
import type { EgressSchema } from "../../../../../src/manifest/egress-schema.ts";
import { testLookup } from "../../harness.ts";

const ROOT = join(import.meta.dir, "../../../../..");

/** What a supervise test needs: a gate with supervise on, its control port, and a private state folder. */
export interface SuperviseWorld {
  gate: Gate;
  proxy: string;
  /** `http://127.0.0.1:PORT/mcp` on the gate's control port. */
  mcpUrl: URL;
  token: string;
  identity: string;
  /** `$XDG_STATE_HOME` for CLI runs. */
  stateHome: string;
  requests: string;
  auditLines(): Promise<Record<string, unknown>[]>;
  /** An MCP SDK client connected with `token` (by default the right one). */
  connect(token?: string): Promise<Client>;
  /** Runs `bottle ARGS` from source against this world's state. */
  bottle(args: string[], env?: Record<string, string>): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts a gate with `supervise` (attended unless said) and its control port. */
export async function superviseWorld(
  egress: v.InferInput<typeof EgressSchema>,
  supervise: { attended?: boolean; wait_seconds?: number; expire_after_seconds?: number } = {},
  env: Record<string, string> = {},
): Promise<SuperviseWorld> {
  const root = await mkdtemp(join(tmpdir(), "bottle-supervise-"));
  const identity = "claude-sup3rv1s";
  const stateHome = join(root, "state");
  const requests = requestsDir(join(stateHome, "bottle", identity));
  const auditFile = join(root, "audit.jsonl");
  const token = `tok-${crypto.randomUUID()}`;
  const config = v.parse(GateConfigSchema, {
    listen: "127.0.0.1:0",
    audit: auditFile,
    egress,
    // The gate's control port (Bun.serve, its default 10 s idle timeout) serves /mcp.
    control: "127.0.0.1:0",
    supervise: { requests, attended: true, wait_seconds: 8, ...supervise },
  });
  const gate = await startGate(config, { BOTTLE_SUPERVISE_TOKEN: token, ...env }, { lookup: testLookup });
  const mcpUrl = new URL(`http://127.0.0.1:${gate.controlPort}/mcp`);
  const clients: Client[] = [];
  return {
    gate,
    proxy: `http://127.0.0.1:${gate.port}`,
    mcpUrl,
    token,
    identity,
    stateHome,
    requests,
    async auditLines() {
      await Bun.sleep(50);
      const text = await readFile(auditFile, "utf8").catch(() => "");
      return text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    async connect(withToken = token) {
      const client = new Client({ name: "bottle-test", version: "1.0.0" });
      const transport = new StreamableHTTPClientTransport(mcpUrl, { requestInit: { headers: { authorization: `Bearer ${withToken}` } } });
      await client.connect(transport);
      clients.push(client);
      return client;
    },
    bottle(args, extraEnv = {}) {
      return processRunner.run([process.execPath, join(ROOT, "src/cli/main.ts"), ...args], {
        env: { PATH: process.env.PATH ?? "", HOME: root, XDG_STATE_HOME: stateHome, CI: "1", ...extraEnv },
        cwd: root,
        check: false,
        timeoutMs: 60_000,
      });
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(clients.map((client) => client.close().catch(() => {})));
      await gate.close(500);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The JSON a supervise tool answered with. */
export function toolJson(result: unknown): Record<string, unknown> {
  const content = (result as { content: { type: string; text: string }[] }).content;
  return JSON.parse(content[0]!.text) as Record<string, unknown>;
}

/** Waits until `bottle requests --json` lists a pending request (the agent's call is still waiting). */
export async function waitForPending(world: SuperviseWorld, deadlineMs = 15_000): Promise<Record<string, unknown>> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const listed = await world.bottle(["requests", "--json"]);
    const pending = JSON.parse(listed.stdout || "[]") as Record<string, unknown>[];
    if (pending.length > 0) return pending[0]!;
    if (Date.now() > until) throw new Error(`no pending request appeared; stderr: ${listed.stderr}`);
    await Bun.sleep(100);
  }
}
