/**
 * `/healthz` latency while hostile bodies are scanned: 8 clients each POST 1 MiB bodies
 * that are the scanner's worst cases from the hardening review (`"eyJ" + "ey"×524288`;
 * 16 random 16-character alphanumerics joined by `/`, repeated) through the gate, in a
 * loop; meanwhile another process (`probe-health.ts`) asks `/healthz` on the proxy port
 * and on the control port every 20 ms. Loopback only, bounded in time.
 *
 *   bun bench/proxy/hostile.ts [--seconds N] [--clients N]
 */
import http from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner, type RunningProcess } from "../../src/core/runner.ts";
import { percentile } from "./load.ts";
import { startGate, startServer } from "./servers.ts";

const flag = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const seconds = Number(flag("--seconds")) || 10;
const clients = Number(flag("--clients")) || 8;
const MIB = 1024 * 1024;

function randomLabels(): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const word = () => Array.from({ length: 16 }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join("");
  const unit = Array.from({ length: 16 }, word).join("/");
  return Buffer.from(unit.repeat(Math.ceil(MIB / unit.length)).slice(0, MIB));
}
const BODIES = [Buffer.from(`eyJ${"ey".repeat(524_288)}`.slice(0, MIB)), randomLabels()];

/** POSTs `body` as an absolute-form request through the gate; resolves with the status. */
function post(gatePort: number, originPort: number, body: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const request = http.request(
      { host: "127.0.0.1", port: gatePort, method: "POST", path: `http://127.0.0.1:${originPort}/upload`, headers: { "content-type": "text/plain", "content-length": body.length }, agent: false },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      },
    );
    request.on("error", () => resolve(0));
    request.end(body);
  });
}

/** `/healthz` latencies for `ms`, one request every 20 ms on each port, measured by
 * `probe-health.ts` in a process of its own (not this one, which writes the load). */
async function healthLatencies(ports: { proxy: number; control: number }, ms: number): Promise<{ proxy: number[]; control: number[] }> {
  const result = await processRunner.run([process.execPath, join(import.meta.dir, "probe-health.ts"), String(ports.proxy), String(ports.control), String(ms)], {
    check: true,
    timeoutMs: ms + 60_000,
  });
  return JSON.parse(result.stdout) as { proxy: number[]; control: number[] };
}

const summary = (values: number[]) =>
  `p50 ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms (${values.length} probes)`;

const dir = await mkdtemp(join(tmpdir(), "bench-hostile-"));
const children: RunningProcess[] = [];
try {
  const origin = await startServer([process.execPath, join(import.meta.dir, "origin.ts")], /port (\d+)/);
  children.push(origin.child);
  const originPort = Number(origin.match[1]);
  const gate = await startGate(dir, `  allow: ["*"]\n  allow_cidrs: [127.0.0.0/8]\n  dlp: { action: block }\n`, { control: true });
  children.push(gate.child);
  const ports = { proxy: gate.port, control: gate.controlPort };

  const idle = await healthLatencies(ports, 2_000);
  let running = true;
  let sent = 0;
  const statuses = new Map<number, number>();
  const load = Array.from({ length: clients }, async (_, index) => {
    while (running) {
      const status = await post(gate.port, originPort, BODIES[(index + sent) % BODIES.length]!);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      sent++;
    }
  });
  const loaded = await healthLatencies(ports, seconds * 1000);
  running = false;
  await Promise.all(load);

  console.log(`idle:   proxy /healthz ${summary(idle.proxy)}; control /healthz ${summary(idle.control)}`);
  console.log(`loaded: proxy /healthz ${summary(loaded.proxy)}; control /healthz ${summary(loaded.control)}`);
  console.log(`hostile bodies: ${sent} sent by ${clients} clients in ${seconds} s (${(sent / seconds).toFixed(1)}/s), statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
} finally {
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((child) => child.exited.catch(() => undefined)));
  await rm(dir, { recursive: true, force: true });
}
