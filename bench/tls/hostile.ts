/**
 * `/healthz` latency while hostile bodies are scanned over inspected HTTPS: 8 clients
 * each POST 1 MiB bodies that are costly to scan (`"eyJ" + "ey"×524288`; 16 random
 * 16-character alphanumerics joined by `/`, repeated; a CSV whose header row is
 * `password,token,secret` over 8-character random cells) through the gate's TLS
 * inspection, in a loop; meanwhile `bench/proxy/probe-health.ts`, a process of its
 * own, asks the gate's `/healthz` every 20 ms. The plain-HTTP twin is
 * `bench/proxy/hostile.ts`. Loopback only, bounded in time.
 *
 *   bun bench/tls/hostile.ts [--seconds N] [--clients N]
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner, type RunningProcess } from "../../src/core/runner.ts";
import { percentile } from "../proxy/load.ts";
import { startServer } from "../proxy/servers.ts";
import { makeOriginCertificates } from "./origin-certificates.ts";

const flag = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const seconds = Number(flag("--seconds")) || 8;
const clients = Number(flag("--clients")) || 8;
const MIB = 1024 * 1024;

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const random = (length: number) => Array.from({ length }, () => ALPHABET[Math.floor(Math.random() * ALPHABET.length)]).join("");
const fill = (unit: () => string, head = "") => {
  let text = head;
  while (text.length < MIB) text += unit();
  return Buffer.from(text.slice(0, MIB));
};
const labels = Array.from({ length: 16 }, () => random(16)).join("/");
const BODIES = [Buffer.from(`eyJ${"ey".repeat(524_288)}`.slice(0, MIB)), fill(() => labels), fill(() => `${random(8)},${random(8)},${random(8)}\n`, "password,token,secret\n")];

const summary = (values: number[]) =>
  `p50 ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms (${values.length} probes)`;

const dir = await mkdtemp(join(tmpdir(), "bench-tls-hostile-"));
const children: RunningProcess[] = [];
try {
  await makeOriginCertificates(dir);
  const origin = await startServer(["bun", join(import.meta.dir, "origin.ts"), join(dir, "server.pem"), join(dir, "server.key")], /origin listening on (\d+)/);
  children.push(origin.child);
  const gate = await startServer(["bun", join(import.meta.dir, "gate.ts"), "-", join(dir, "audit.jsonl"), origin.match[1]!], /gate listening on (\d+)/, {
    NODE_EXTRA_CA_CERTS: join(dir, "ca.pem"),
  });
  children.push(gate.child);
  const gatePort = Number(gate.match[1]);
  const gateCa = await (await fetch(`http://127.0.0.1:${gatePort}/tls/ca.pem`)).text();
  const url = `https://inspected.bench.test:${origin.match[1]}/upload`;
  const post = async (body: Buffer) => {
    const init = { method: "POST", body, headers: { "content-type": "text/plain" }, proxy: `http://127.0.0.1:${gatePort}`, tls: { ca: gateCa } };
    const response = await fetch(url, init as RequestInit).catch(() => undefined);
    await response?.arrayBuffer();
    return response?.status ?? 0;
  };
  /** The gate's proxy port serves `/healthz` too: probed there (given as both ports). */
  const probe = async (ms: number) => {
    const result = await processRunner.run([process.execPath, join(import.meta.dir, "../proxy/probe-health.ts"), String(gatePort), String(gatePort), String(ms)], { check: true, timeoutMs: ms + 60_000 });
    const { proxy, control } = JSON.parse(result.stdout) as { proxy: number[]; control: number[] };
    return [...proxy, ...control];
  };

  const idle = await probe(2_000);
  let running = true;
  let sent = 0;
  const statuses = new Map<number, number>();
  const load = Array.from({ length: clients }, async (_, index) => {
    while (running) {
      const status = await post(BODIES[(index + sent) % BODIES.length]!);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      sent++;
    }
  });
  const loaded = await probe(seconds * 1000);
  running = false;
  await Promise.all(load);
  const audit = await readFile(join(dir, "audit.jsonl"), "utf8");
  console.log(`idle:   /healthz ${summary(idle)}`);
  console.log(`loaded: /healthz ${summary(loaded)}`);
  console.log(`hostile bodies over inspected HTTPS: ${sent} sent by ${clients} clients in ${seconds} s, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${audit.split("scan-budget").length - 1} audited scan-budget`);
} finally {
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((child) => child.exited.catch(() => undefined)));
  await rm(dir, { recursive: true, force: true });
}
