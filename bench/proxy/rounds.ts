/**
 * Throughput in interleaved rounds, for a shared, noisy machine: each round runs
 * `wrk -c32` (plain HTTP, absolute-form) and then 32 CONNECT tunnels carrying TLS
 * requests for a few seconds against every proxy in turn — the gate, squid,
 * tinyproxy, and with `--before-root DIR` the gate from another checkout (plain HTTP
 * only: an older gate takes no tunnel ports) — so load from elsewhere hits all of them
 * alike; medians and their ratios are the result. Each proxy's CPU time per request
 * (its process's user + system time over the requests it served) moves far less with
 * the machine's load than req/s does, so it is reported too.
 *
 *   bun bench/proxy/rounds.ts [--rounds 5] [--seconds 3] [--before-root DIR] [--plain-only]
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningProcess } from "../../src/core/runner.ts";
import { percentile, runLoad } from "./load.ts";
import { cpuMs, makeCertificate, startGate, startServer, startSquid, startTinyproxy } from "./servers.ts";
import { runWrk } from "./wrk.ts";

const flag = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const rounds = Number(flag("--rounds")) || 5;
const seconds = Number(flag("--seconds")) || 3;
const beforeRoot = flag("--before-root");
// Without CONNECT loads between plain runs, so a gate's plain CPU is not charged for
// the tail of the tunnels closing before it (the "before" gate runs plain only).
const plainOnly = process.argv.includes("--plain-only");

interface Proxy {
  name: string;
  port: number;
  pid: number;
  tunnels: boolean;
}

const dir = await mkdtemp(join(tmpdir(), "bench-rounds-"));
const children: RunningProcess[] = [];
try {
  const certificate = await makeCertificate(dir);
  const origin = await startServer([process.execPath, join(import.meta.dir, "origin.ts")], /port (\d+) tls (\d+)/, {
    BENCH_TLS_CERT: certificate.cert,
    BENCH_TLS_KEY: certificate.key,
  });
  children.push(origin.child);
  const originPort = Number(origin.match[1]);
  const tlsPort = Number(origin.match[2]);
  const proxies: Proxy[] = [];
  const gate = await startGate(dir, `  allow: ["*", "localhost:${tlsPort}"]\n  allow_cidrs: [127.0.0.0/8]\n  dlp: { action: block }\n`);
  children.push(gate.child);
  proxies.push({ name: "gate", port: gate.port, pid: gate.child.pid, tunnels: true });
  if (beforeRoot !== undefined) {
    const beforeDir = join(dir, "before");
    await mkdir(beforeDir);
    const before = await startGate(beforeDir, `  allow: ["*"]\n  allow_cidrs: [127.0.0.0/8]\n  dlp: { action: block }\n`, { root: beforeRoot });
    children.push(before.child);
    proxies.push({ name: "gate (before)", port: before.port, pid: before.child.pid, tunnels: false });
  }
  const squid = await startSquid(dir);
  children.push(squid.child);
  proxies.push({ name: "squid", port: squid.port, pid: squid.child.pid, tunnels: true });
  const tiny = await startTinyproxy(dir);
  children.push(tiny.child);
  proxies.push({ name: "tinyproxy", port: tiny.port, pid: tiny.child.pid, tunnels: true });

  const samples = new Map<string, { rps: number[]; cpu: number[] }>();
  const record = (key: string, rps: number, cpu: number) => {
    const entry = samples.get(key) ?? { rps: [], cpu: [] };
    entry.rps.push(rps);
    entry.cpu.push(cpu);
    samples.set(key, entry);
  };
  for (const proxy of proxies) await runWrk(dir, originPort, proxy.port, 4, 1); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const proxy of proxies) {
      let before = await cpuMs(proxy.pid);
      const plain = await runWrk(dir, originPort, proxy.port, 32, seconds);
      record(`${proxy.name}|plain`, plain.requestsPerSecond, (((await cpuMs(proxy.pid)) - before) * 1000) / (plain.requestsPerSecond * seconds));
      if (!proxy.tunnels || plainOnly) continue;
      before = await cpuMs(proxy.pid);
      const tunnel = await runLoad({ port: proxy.port, originPort, tlsPort, mode: "connect", concurrency: 32, durationMs: seconds * 1000 });
      record(`${proxy.name}|connect`, tunnel.requestsPerSecond, (((await cpuMs(proxy.pid)) - before) * 1000) / Math.max(1, tunnel.requests));
    }
  }
  const median = (key: string, field: "rps" | "cpu") => percentile(samples.get(key)?.[field] ?? [], 50);
  console.log("| proxy | plain req/s (median) | plain CPU µs/req | CONNECT+TLS req/s (median) | CONNECT CPU µs/req | plain rounds |\n|---|---:|---:|---:|---:|---|");
  for (const { name, tunnels } of proxies) {
    const connect = tunnels && !plainOnly ? [Math.round(median(`${name}|connect`, "rps")), Math.round(median(`${name}|connect`, "cpu"))] : ["—", "—"];
    console.log(`| ${name} | ${Math.round(median(`${name}|plain`, "rps"))} | ${Math.round(median(`${name}|plain`, "cpu"))} | ${connect[0]} | ${connect[1]} | ${samples.get(`${name}|plain`)!.rps.map(Math.round).join(", ")} |`);
  }
  const ratio = (a: string, b: string, field: "rps" | "cpu") => (median(a, field) / median(b, field)).toFixed(2);
  console.log(`\nreq/s gate / squid: plain ${ratio("gate|plain", "squid|plain", "rps")}×, CONNECT ${ratio("gate|connect", "squid|connect", "rps")}×; gate / tinyproxy: plain ${ratio("gate|plain", "tinyproxy|plain", "rps")}×, CONNECT ${ratio("gate|connect", "tinyproxy|connect", "rps")}×`);
  console.log(`CPU per request squid / gate: plain ${ratio("squid|plain", "gate|plain", "cpu")}×, CONNECT ${ratio("squid|connect", "gate|connect", "cpu")}×` +
    (beforeRoot === undefined ? "" : `; gate (before) / gate, plain: ${ratio("gate (before)|plain", "gate|plain", "cpu")}× CPU, ${ratio("gate|plain", "gate (before)|plain", "rps")}× req/s`));
} finally {
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((child) => child.exited.catch(() => undefined)));
  await rm(dir, { recursive: true, force: true });
}
