/**
 * Plain-HTTP throughput in interleaved rounds, for a shared, noisy machine: each round
 * runs `wrk -c32` for a few seconds against every proxy in turn (the gate, squid,
 * tinyproxy, and with `--before-root DIR` the gate from another checkout), so load
 * from elsewhere hits all of them alike; the medians and their ratios are the result.
 * Each proxy's CPU time per request (its process's user + system time over the
 * requests it served) is reported too: it moves far less with the machine's load.
 *
 *   bun bench/proxy/rounds.ts [--rounds 5] [--seconds 3] [--before-root DIR]
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningProcess } from "../../src/core/runner.ts";
import { percentile } from "./load.ts";
import { cpuMs, startGate, startServer, startSquid, startTinyproxy } from "./servers.ts";
import { runWrk } from "./wrk.ts";

const flag = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const rounds = Number(flag("--rounds")) || 5;
const seconds = Number(flag("--seconds")) || 3;
const beforeRoot = flag("--before-root");

const dir = await mkdtemp(join(tmpdir(), "bench-rounds-"));
const children: RunningProcess[] = [];
try {
  const origin = await startServer([process.execPath, join(import.meta.dir, "origin.ts")], /port (\d+)/);
  children.push(origin.child);
  const originPort = Number(origin.match[1]);
  const egress = `  allow: ["*"]\n  allow_cidrs: [127.0.0.0/8]\n  dlp: { action: block }\n`;
  const proxies: [string, number, number][] = [];
  const gate = await startGate(dir, egress);
  children.push(gate.child);
  proxies.push(["gate", gate.port, gate.child.pid]);
  if (beforeRoot !== undefined) {
    const beforeDir = join(dir, "before");
    await mkdir(beforeDir);
    const before = await startGate(beforeDir, egress, { root: beforeRoot });
    children.push(before.child);
    proxies.push(["gate (before)", before.port, before.child.pid]);
  }
  const squid = await startSquid(dir);
  children.push(squid.child);
  proxies.push(["squid", squid.port, squid.child.pid]);
  const tiny = await startTinyproxy(dir);
  children.push(tiny.child);
  proxies.push(["tinyproxy", tiny.port, tiny.child.pid]);

  const rates = new Map<string, number[]>(proxies.map(([name]) => [name, []]));
  const cpu = new Map<string, number[]>(proxies.map(([name]) => [name, []]));
  for (const [, port] of proxies) await runWrk(dir, originPort, port, 4, 1); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const [name, port, pid] of proxies) {
      const before = await cpuMs(pid);
      const result = await runWrk(dir, originPort, port, 32, seconds);
      const used = (await cpuMs(pid)) - before;
      rates.get(name)!.push(result.requestsPerSecond);
      cpu.get(name)!.push((used * 1000) / (result.requestsPerSecond * seconds));
    }
  }
  const median = (name: string) => percentile(rates.get(name)!, 50);
  const cpuMedian = (name: string) => percentile(cpu.get(name)!, 50);
  console.log("| proxy | median req/s (32 conns) | median CPU µs/request | rounds (req/s) |\n|---|---:|---:|---|");
  for (const [name] of proxies) {
    console.log(`| ${name} | ${Math.round(median(name))} | ${Math.round(cpuMedian(name))} | ${rates.get(name)!.map(Math.round).join(", ")} |`);
  }
  console.log(`\ngate / squid ${(median("gate") / median("squid")).toFixed(2)}×, gate / tinyproxy ${(median("gate") / median("tinyproxy")).toFixed(2)}×` +
    (beforeRoot === undefined ? "" : `, gate / gate (before) ${(median("gate") / median("gate (before)")).toFixed(2)}×`));
  console.log(`CPU per request: squid / gate ${(cpuMedian("squid") / cpuMedian("gate")).toFixed(2)}×` +
    (beforeRoot === undefined ? "" : `, gate (before) / gate ${(cpuMedian("gate (before)") / cpuMedian("gate")).toFixed(2)}×`));
} finally {
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((child) => child.exited.catch(() => undefined)));
  await rm(dir, { recursive: true, force: true });
}
