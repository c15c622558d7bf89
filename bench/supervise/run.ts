/**
 * Supervise latencies on loopback (bounded: 200 tool listings, 10 approvals):
 * an MCP round trip through the SDK client (tools/list; the server builds a fresh SDK
 * server and transport per request), and the time from a decision file landing in the
 * requests folder to the gate answering the approved host (watch + rebuild).
 *
 *   bun bench/supervise/run.ts
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { GateConfigSchema } from "../../src/gate/config-schema.ts";
import { startGate } from "../../src/gate/serve-gate.ts";
import { RequestStore } from "../../src/gate/services/supervise/request-store.ts";

const root = await mkdtemp(join(tmpdir(), "bench-supervise-"));
const requests = join(root, "requests");
const token = "bench-token";
const origin = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("ok") });
const config = v.parse(GateConfigSchema, { listen: "127.0.0.1:0", audit: join(root, "audit.jsonl"), control: "127.0.0.1:0", egress: { allow_cidrs: ["127.0.0.0/8"] }, supervise: { requests, attended: true, wait_seconds: 0 } });
const gate = await startGate(config, { BOTTLE_SUPERVISE_TOKEN: token }, { lookup: async () => ["127.0.0.1"] });
const client = new Client({ name: "bench", version: "1" });
await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${gate.controlPort}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));

const median = (values: number[]) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)]!;
const p90 = (values: number[]) => values.toSorted((a, b) => a - b)[Math.floor(values.length * 0.9)]!;

const listing: number[] = [];
for (let index = 0; index < 200; index++) {
  const started = performance.now();
  await client.listTools();
  listing.push(performance.now() - started);
}

const store = new RequestStore(requests);
const applying: number[] = [];
for (let index = 0; index < 10; index++) {
  const host = `h${index}.bench.test`;
  const answer = await client.callTool({ name: "request-egress", arguments: { host, justification: "bench" } });
  const id = (JSON.parse((answer.content as { text: string }[])[0]!.text) as { id: string }).id;
  const started = performance.now();
  store.decide(id, { status: "approved", time: new Date().toISOString(), by: "person" });
  for (;;) {
    const response = await fetch(`http://${host}:${origin.port}/`, { proxy: `http://127.0.0.1:${gate.port}` });
    await response.arrayBuffer();
    if (response.status === 200) break;
    await Bun.sleep(5);
  }
  applying.push(performance.now() - started);
}

console.log(`tools/list round trip (200): median ${median(listing).toFixed(2)} ms, p90 ${p90(listing).toFixed(2)} ms`);
console.log(`decision written → host answers through the gate (10): median ${median(applying).toFixed(1)} ms, max ${Math.max(...applying).toFixed(1)} ms`);
await client.close();
origin.stop(true);
await gate.close(200);
await rm(root, { recursive: true, force: true });
