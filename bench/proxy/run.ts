/**
 * Proxy benchmark: requests/s and added latency for plain HTTP (absolute-form) and
 * CONNECT through the gate, straight to the origin, and through tinyproxy, in one run;
 * idle and loaded RSS of the gate process. Loopback only, bounded in time.
 *
 *   bun bench/proxy/run.ts [--seconds N] [--gate-bin dist/bottle]
 *
 * Every server is its own process (origin, gate, tinyproxy), started through the one
 * runner; this process is the load generator (raw keep-alive sockets).
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner, type RunningProcess } from "../../src/core/runner.ts";
import { percentile, runLoad, type LoadMode } from "./load.ts";

const flag = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const seconds = Number(flag("--seconds")) || 3;
/** By default, the gate runs from source (`bun src/cli/main.ts gate`); `--gate-bin dist/bottle` measures the compiled binary. */
const gateBin = flag("--gate-bin");
const ROOT = join(import.meta.dir, "../..");

/** Starts a server process and waits for `pattern` in its output (its port, its banner). */
async function startServer(argv: string[], pattern: RegExp): Promise<{ child: RunningProcess; match: RegExpMatchArray }> {
  let output = "";
  let found: (match: RegExpMatchArray) => void = () => {};
  const ready = new Promise<RegExpMatchArray>((resolve) => (found = resolve));
  const child = processRunner.start(argv, {
    check: false,
    onOutput: (chunk) => {
      output += chunk;
      const match = output.match(pattern);
      if (match) found(match);
    },
  });
  const timeout = Bun.sleep(15_000).then(() => {
    throw new Error(`${argv[0]} did not start: ${output}`);
  });
  return { child, match: await Promise.race([ready, timeout]) };
}

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const ok = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } }).then((socket) => (socket.end(), true), () => false);
    if (ok) return;
    await Bun.sleep(100);
  }
  throw new Error(`nothing listens on ${port}`);
}

function rssKiB(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, "utf8").then((text) => Number(/VmRSS:\s+(\d+)/.exec(text)?.[1] ?? NaN));
}

async function freePort(): Promise<number> {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

const dir = await mkdtemp(join(tmpdir(), "bench-proxy-"));
const children: RunningProcess[] = [];
try {
  const origin = await startServer([process.execPath, join(import.meta.dir, "origin.ts")], /port (\d+)/);
  children.push(origin.child);
  const originPort = Number(origin.match[1]);

  const gateConfig = join(dir, "gate.yaml");
  await writeFile(gateConfig, `listen: 127.0.0.1:0\naudit: ${join(dir, "audit.jsonl")}\negress:\n  allow: ["*"]\n  allow_cidrs: [127.0.0.0/8]\n  dlp: { action: ${process.env.BENCH_DLP ?? "block"} }\n`);
  const gateArgv = gateBin === undefined ? [process.execPath, join(ROOT, "src/cli/main.ts")] : [gateBin];
  const gate = await startServer([...gateArgv, "gate", "--config", gateConfig], /listening on 127\.0\.0\.1:(\d+)/);
  children.push(gate.child);
  const gatePort = Number(gate.match[1]);

  const tinyPort = await freePort();
  const tinyConfig = join(dir, "tinyproxy.conf");
  // No ConnectPort line: tinyproxy then allows CONNECT to any port, like the gate here.
  await writeFile(tinyConfig, `Port ${tinyPort}\nListen 127.0.0.1\nTimeout 600\nMaxClients 200\nLogLevel Critical\nAllow 127.0.0.1\n`);
  const tiny = processRunner.start(["tinyproxy", "-d", "-c", tinyConfig], { check: false });
  children.push(tiny);
  await waitForPort(tinyPort);

  await Bun.sleep(1_000);
  const idleRss = await rssKiB(gate.child.pid);

  const scenarios: { name: string; port: number; mode: LoadMode; gate?: boolean }[] = [
    { name: "direct", port: originPort, mode: "direct" },
    { name: "gate, plain HTTP", port: gatePort, mode: "absolute", gate: true },
    { name: "tinyproxy, plain HTTP", port: tinyPort, mode: "absolute" },
    { name: "gate, CONNECT", port: gatePort, mode: "connect", gate: true },
    { name: "tinyproxy, CONNECT", port: tinyPort, mode: "connect" },
  ];
  let loadedRss = idleRss;
  const rows: string[] = [];
  const results: Record<string, unknown>[] = [];
  let directP50 = 0;
  for (const scenario of scenarios) {
    const base = { port: scenario.port, originPort, mode: scenario.mode };
    await runLoad({ ...base, concurrency: 4, durationMs: 500 }); // warm-up
    const latency = await runLoad({ ...base, concurrency: 1, durationMs: seconds * 1000 });
    const sampler = scenario.gate ? setInterval(async () => (loadedRss = Math.max(loadedRss, await rssKiB(gate.child.pid))), 100) : undefined;
    const throughput = await runLoad({ ...base, concurrency: 32, durationMs: seconds * 1000 });
    clearInterval(sampler);
    const p50 = percentile(latency.latenciesMs, 50);
    const p99 = percentile(latency.latenciesMs, 99);
    if (scenario.mode === "direct") directP50 = p50;
    const added = scenario.mode === "direct" ? "—" : (p50 - directP50).toFixed(3);
    const errors = latency.errors + throughput.errors;
    rows.push(`| ${scenario.name} | ${Math.round(throughput.requestsPerSecond)} | ${p50.toFixed(3)} | ${p99.toFixed(3)} | ${added} | ${errors} |`);
    results.push({ scenario: scenario.name, rps: throughput.requestsPerSecond, p50, p99, p99Loaded: percentile(throughput.latenciesMs, 99), errors });
  }
  if (gate.child.pid) loadedRss = Math.max(loadedRss, await rssKiB(gate.child.pid));

  const table = [
    "| path | req/s (32 conns) | p50 ms (1 conn) | p99 ms (1 conn) | added p50 ms | errors |",
    "|---|---:|---:|---:|---:|---:|",
    ...rows,
  ].join("\n");
  console.log(table);
  console.log(`\ngate RSS: idle ${(idleRss / 1024).toFixed(1)} MiB, loaded (max under 32 connections) ${(loadedRss / 1024).toFixed(1)} MiB`);
  console.log(`\n${JSON.stringify({ seconds, results, idleRssKiB: idleRss, loadedRssKiB: loadedRss })}`);
} finally {
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((child) => child.exited.catch(() => undefined)));
  await rm(dir, { recursive: true, force: true });
}
