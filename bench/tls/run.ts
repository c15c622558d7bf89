/**
 * TLS inspection benchmark: HTTPS requests/s and latency straight to an origin,
 * through the gate's passthrough tunnel and through inspection, on kept-alive
 * connections; and the time to a first response on a new connection, for a host
 * whose leaf must be minted, a cached host, and passthrough. Loopback only, bounded.
 *
 *   bun bench/tls/run.ts [--seconds N] [--connections N] [--hosts N] [--trust env|option]
 *
 * The origin and the gate are their own processes (through the one runner); this
 * process is the client (node:tls over raw sockets, no HTTP library).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import tls from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningProcess } from "../../src/core/runner.ts";
import { percentile } from "../proxy/load.ts";
import { startServer } from "../proxy/servers.ts";
import { makeOriginCertificates } from "./origin-certificates.ts";
import { createCertificateAuthority } from "../../src/gate/tls/certificate-authority.ts";
import { runTlsLoad, timeFirstRequest, type TlsRoute } from "./tls-load.ts";
import { runWebSocketLoad } from "./websocket-load.ts";

const flag = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const seconds = Number(flag("--seconds")) || 3;
const connections = Number(flag("--connections")) || 16;
const hosts = Number(flag("--hosts")) || 20;
/** `env` (by default): the gate trusts the origin's CA through NODE_EXTRA_CA_CERTS, as in its container; `option`: as an extra CA handed to startGate. */
const trust = flag("--trust") ?? "env";

const dir = await mkdtemp(join(tmpdir(), "bench-tls-"));
const children: RunningProcess[] = [];
try {
  await makeOriginCertificates(dir);
  const originCa = await readFile(join(dir, "ca.pem"), "utf8");

  const origin = await startServer(["bun", join(import.meta.dir, "origin.ts"), join(dir, "server.pem"), join(dir, "server.key")], /origin listening on (\d+)/);
  children.push(origin.child);
  const originPort = Number(origin.match[1]);
  const gate = await startServer(
    ["bun", join(import.meta.dir, "gate.ts"), trust === "env" ? "-" : join(dir, "ca.pem"), join(dir, "audit.jsonl"), origin.match[1]!],
    /gate listening on (\d+)/,
    trust === "env" ? { NODE_EXTRA_CA_CERTS: join(dir, "ca.pem") } : {},
  );
  children.push(gate.child);
  const gatePort = Number(gate.match[1]);
  const gateCa = await (await fetch(`http://127.0.0.1:${gatePort}/tls/ca.pem`)).text();

  const routes: [string, TlsRoute][] = [
    ["direct", { originPort, host: "direct.bench.test", ca: originCa }],
    ["gate, passthrough", { gatePort, originPort, host: "passthrough.bench.test", ca: originCa }],
    ["gate, inspected", { gatePort, originPort, host: "inspected.bench.test", ca: gateCa }],
  ];
  // Warm-up: JIT, the inspected host's leaf, the gate's upstream pool.
  for (const [, route] of routes) await runTlsLoad(route, 4, 500);

  const rows: string[] = [];
  let directP50 = 0;
  for (const [name, route] of routes) {
    const latency = await runTlsLoad(route, 1, seconds * 1000);
    const load = await runTlsLoad(route, connections, seconds * 1000);
    const p50 = percentile(latency.latenciesMs, 50);
    if (name === "direct") directP50 = p50;
    const added = name === "direct" ? "—" : (p50 - directP50).toFixed(3);
    rows.push(`| ${name} | ${load.requestsPerSecond.toFixed(0)} | ${p50.toFixed(3)} | ${percentile(latency.latenciesMs, 99).toFixed(3)} | ${added} | ${latency.errors + load.errors} |`);
  }

  // WebSocket: 1 KiB message round trips on one connection; inspected, each agent frame is scanned by DLP.
  const wsRows: string[] = [];
  let wsDirect = 0;
  for (const [name, route] of routes) {
    await runWebSocketLoad(route, 1024, 300);
    const latencies = await runWebSocketLoad(route, 1024, seconds * 1000);
    const p50 = percentile(latencies, 50);
    if (name === "direct") wsDirect = p50;
    const added = name === "direct" ? "—" : (p50 - wsDirect).toFixed(3);
    wsRows.push(`| ${name} | ${((latencies.length * 1000) / (seconds * 1000)).toFixed(0)} | ${p50.toFixed(3)} | ${percentile(latencies, 99).toFixed(3)} | ${added} |`);
  }

  const firsts = { minted: [] as number[], cached: [] as number[], passthrough: [] as number[], direct: [] as number[] };
  for (let index = 0; index < hosts; index++) {
    const host = `new-${index}-${Date.now()}.bench.test`;
    firsts.minted.push(await timeFirstRequest({ gatePort, originPort, host, ca: gateCa }));
    firsts.cached.push(await timeFirstRequest({ gatePort, originPort, host, ca: gateCa }));
    firsts.passthrough.push(await timeFirstRequest({ gatePort, originPort, host: "passthrough.bench.test", ca: originCa }));
    firsts.direct.push(await timeFirstRequest({ originPort, host: "direct.bench.test", ca: originCa }));
  }
  // Minting alone, in this process: sign a leaf and build its secure context, as a cache miss does.
  const ca = await createCertificateAuthority();
  const mints: number[] = [];
  for (let index = 0; index < 50; index++) {
    const at = performance.now();
    const leaf = await ca.issue(`mint-${index}.bench.test`);
    tls.createSecureContext({ cert: leaf.cert, key: leaf.key });
    mints.push(performance.now() - at);
  }
  const rss = Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${gate.child.pid}/status`, "utf8"))?.[1] ?? NaN);

  console.log(`## Run (${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, load average ${(await readFile("/proc/loadavg", "utf8")).split(" ")[0]})\n`);
  console.log(`Kept-alive HTTPS, 1 KiB responses: latency at 1 connection, requests/s at ${connections}, ${seconds} s each; the gate trusts the origin's CA by ${trust === "env" ? "NODE_EXTRA_CA_CERTS" : "an extra CA option"}.\n`);
  console.log("| path | req/s | p50 ms | p99 ms | added p50 ms | errors |");
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const row of rows) console.log(row);
  console.log(`\nWebSocket, 1 KiB text messages echoed on one connection, ${seconds} s:\n`);
  console.log("| path | round trips/s | p50 ms | p99 ms | added p50 ms |");
  console.log("|---|---:|---:|---:|---:|");
  for (const row of wsRows) console.log(row);
  console.log(`\nFirst response on a new connection (CONNECT, TLS handshake, one GET), ${hosts} hosts, median and max ms:\n`);
  console.log("| case | p50 ms | max ms |");
  console.log("|---|---:|---:|");
  const line = (name: string, values: number[]) => console.log(`| ${name} | ${percentile(values, 50).toFixed(2)} | ${Math.max(...values).toFixed(2)} |`);
  line("inspected, new host (leaf minted)", firsts.minted);
  line("inspected, cached leaf", firsts.cached);
  line("passthrough", firsts.passthrough);
  line("direct (no gate)", firsts.direct);
  line("leaf minting alone (sign + secure context, 50 leaves)", mints);
  console.log(`\nGate RSS after the run: ${(rss / 1024).toFixed(1)} MiB.`);
} finally {
  for (const child of children) child.kill();
  await rm(dir, { recursive: true, force: true });
}
