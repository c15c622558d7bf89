/**
 * Proxy benchmark: plain-HTTP requests/s (wrk, absolute-form, DLP on in the gate) and
 * CONNECT relay rates (TLS requests inside tunnels) through the gate, squid and
 * tinyproxy, against the same origin straight; the gate's idle and loaded RSS.
 * Loopback only, bounded in time.
 *
 *   bun bench/proxy/run.ts [--seconds N] [--gate-bin dist/bottle]
 *
 * (`rounds.ts --before-root DIR` compares against another checkout's gate.)
 * Every server is its own process (origin, gate, squid, tinyproxy), started through
 * the one runner; wrk and this process are the load generators.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningProcess } from "../../src/core/runner.ts";
import { percentile, runLoad, type LoadMode } from "./load.ts";
import { cpuMs, makeCertificate, rssKiB, startGate, startServer, startSquid, startTinyproxy } from "./servers.ts";
import { runWrk } from "./wrk.ts";

const flag = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const seconds = Number(flag("--seconds")) || 3;
/** By default, the gate runs from source (`bun src/cli/main.ts gate`); `--gate-bin dist/bottle` measures the compiled binary. */
const gateBin = flag("--gate-bin");

const dir = await mkdtemp(join(tmpdir(), "bench-proxy-"));
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

  const egress = `  allow: ["*", "localhost:${tlsPort}"]\n  allow_cidrs: [127.0.0.0/8]\n  dlp: { action: ${process.env.BENCH_DLP ?? "block"} }\n`;
  const gate = await startGate(dir, egress, gateBin === undefined ? {} : { gateBin });
  children.push(gate.child);
  const squid = await startSquid(dir);
  children.push(squid.child);
  const tiny = await startTinyproxy(dir);
  children.push(tiny.child);

  await Bun.sleep(1_000);
  const idleRss = await rssKiB(gate.child.pid);
  let loadedRss = idleRss;
  const sample = () => setInterval(async () => (loadedRss = Math.max(loadedRss, await rssKiB(gate.child.pid))), 100);

  const rows: string[] = [];
  const results: Record<string, unknown>[] = [];
  // The CPU column: the serving process's user + system time per request in the
  // 32-connection run (the origin's for the direct rows), which moves far less with
  // the shared machine's load than req/s does.
  const plain: [string, number | undefined, number][] = [
    ["direct", undefined, origin.child.pid],
    ["gate, plain HTTP", gate.port, gate.child.pid],
    ["squid, plain HTTP", squid.port, squid.child.pid],
    ["tinyproxy, plain HTTP", tiny.port, tiny.child.pid],
  ];
  let directP50 = 0;
  for (const [name, proxyPort, pid] of plain) {
    await runWrk(dir, originPort, proxyPort, 4, 1); // warm-up
    const latency = await runWrk(dir, originPort, proxyPort, 1, seconds);
    const sampler = pid === gate.child.pid ? sample() : undefined;
    const cpuBefore = await cpuMs(pid);
    const throughput = await runWrk(dir, originPort, proxyPort, 32, seconds);
    const cpu = (((await cpuMs(pid)) - cpuBefore) * 1000) / (throughput.requestsPerSecond * seconds);
    clearInterval(sampler);
    if (proxyPort === undefined) directP50 = latency.p50;
    const added = proxyPort === undefined ? "—" : (latency.p50 - directP50).toFixed(3);
    rows.push(`| ${name} | ${Math.round(throughput.requestsPerSecond)} | ${Math.round(cpu)} | ${latency.p50.toFixed(3)} | ${latency.p99.toFixed(3)} | ${added} | ${latency.errors + throughput.errors} |`);
    results.push({ scenario: name, rps: throughput.requestsPerSecond, cpuMicros: cpu, p50: latency.p50, p99: latency.p99, errors: latency.errors + throughput.errors });
  }
  const tunnels: [string, number, LoadMode, number][] = [
    ["direct TLS", 0, "direct-tls", origin.child.pid],
    ["gate, CONNECT + TLS", gate.port, "connect", gate.child.pid],
    ["squid, CONNECT + TLS", squid.port, "connect", squid.child.pid],
    ["tinyproxy, CONNECT + TLS", tiny.port, "connect", tiny.child.pid],
  ];
  for (const [name, port, mode, pid] of tunnels) {
    const base = { port, originPort, tlsPort, mode };
    await runLoad({ ...base, concurrency: 4, durationMs: 500 }); // warm-up
    const latency = await runLoad({ ...base, concurrency: 1, durationMs: seconds * 1000 });
    const sampler = pid === gate.child.pid ? sample() : undefined;
    const cpuBefore = await cpuMs(pid);
    const throughput = await runLoad({ ...base, concurrency: 32, durationMs: seconds * 1000 });
    const cpu = (((await cpuMs(pid)) - cpuBefore) * 1000) / Math.max(1, throughput.requests);
    clearInterval(sampler);
    const p50 = percentile(latency.latenciesMs, 50);
    const p99 = percentile(latency.latenciesMs, 99);
    if (mode === "direct-tls") directP50 = p50;
    const added = mode === "direct-tls" ? "—" : (p50 - directP50).toFixed(3);
    const errors = latency.errors + throughput.errors;
    rows.push(`| ${name} | ${Math.round(throughput.requestsPerSecond)} | ${Math.round(cpu)} | ${p50.toFixed(3)} | ${p99.toFixed(3)} | ${added} | ${errors} |`);
    results.push({ scenario: name, rps: throughput.requestsPerSecond, cpuMicros: cpu, p50, p99, errors });
  }
  loadedRss = Math.max(loadedRss, await rssKiB(gate.child.pid));

  const rps = (name: string) => Number(results.find((result) => result.scenario === name)?.rps);
  console.log([
    "| path | req/s (32 conns) | CPU µs/request | p50 ms (1 conn) | p99 ms (1 conn) | added p50 ms | errors |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...rows,
  ].join("\n"));
  console.log(`\ngate / squid: plain HTTP ${(rps("gate, plain HTTP") / rps("squid, plain HTTP")).toFixed(2)}×, CONNECT ${(rps("gate, CONNECT + TLS") / rps("squid, CONNECT + TLS")).toFixed(2)}×`);
  console.log(`gate / tinyproxy: plain HTTP ${(rps("gate, plain HTTP") / rps("tinyproxy, plain HTTP")).toFixed(2)}×, CONNECT ${(rps("gate, CONNECT + TLS") / rps("tinyproxy, CONNECT + TLS")).toFixed(2)}×`);
  console.log(`gate RSS: idle ${(idleRss / 1024).toFixed(1)} MiB, loaded (max under 32 connections) ${(loadedRss / 1024).toFixed(1)} MiB`);
  console.log(`\n${JSON.stringify({ seconds, results, idleRssKiB: idleRss, loadedRssKiB: loadedRss })}`);
} finally {
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((child) => child.exited.catch(() => undefined)));
  await rm(dir, { recursive: true, force: true });
}
