/**
 * Gate RSS under stalled bodies (finding 4 of the hardening review): waves of N
 * connections (by default 1,500) each send a request head announcing 1 MiB and just
 * under 1 MiB of body, then stall. The gate holds prefixes only up to its gate-wide
 * budget and answers the rest 503 `busy`; this reports its RSS after each wave and
 * how the connections were answered. Loopback only, bounded in time.
 *
 *   bun bench/proxy/stalled.ts [--connections N] [--waves N]
 */
import net from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningProcess } from "../../src/core/runner.ts";
import { rssKiB, startGate, startServer } from "./servers.ts";

const flag = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const connections = Number(flag("--connections")) || 1500;
const waves = Number(flag("--waves")) || 2;
const MIB = 1024 * 1024;
const BODY = Buffer.alloc(MIB - 1024, "a");

interface Stalled {
  socket: net.Socket;
  answer: string;
}

function stall(gatePort: number, originPort: number): Promise<Stalled> {
  return new Promise((resolve) => {
    const socket = net.connect(gatePort, "127.0.0.1");
    const stalled: Stalled = { socket, answer: "" };
    socket.on("error", () => {});
    socket.on("data", (chunk: Buffer) => (stalled.answer += chunk.toString("latin1")));
    socket.once("connect", () => {
      socket.write(`POST http://127.0.0.1:${originPort}/upload HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${MIB}\r\n\r\n`);
      socket.write(BODY);
      resolve(stalled);
    });
    socket.once("close", () => resolve(stalled));
  });
}

const dir = await mkdtemp(join(tmpdir(), "bench-stalled-"));
const children: RunningProcess[] = [];
try {
  const origin = await startServer([process.execPath, join(import.meta.dir, "origin.ts")], /port (\d+)/);
  children.push(origin.child);
  const originPort = Number(origin.match[1]);
  const gate = await startGate(dir, `  allow: ["*"]\n  allow_cidrs: [127.0.0.0/8]\n  dlp: { action: block }\n`);
  children.push(gate.child);
  await Bun.sleep(500);
  console.log(`idle: ${((await rssKiB(gate.child.pid)) / 1024).toFixed(1)} MiB`);
  for (let wave = 1; wave <= waves; wave++) {
    const open: Stalled[] = [];
    for (let index = 0; index < connections; index += 50) {
      open.push(...(await Promise.all(Array.from({ length: Math.min(50, connections - index) }, () => stall(gate.port, originPort)))));
    }
    let peak = 0;
    for (let sample = 0; sample < 30; sample++) {
      peak = Math.max(peak, await rssKiB(gate.child.pid));
      await Bun.sleep(100);
    }
    const busy = open.filter((entry) => entry.answer.startsWith("HTTP/1.1 503")).length;
    const silent = open.filter((entry) => entry.answer === "").length;
    console.log(`wave ${wave}: ${connections} stalled bodies → gate RSS peak ${(peak / 1024).toFixed(1)} MiB; ${busy} answered 503 busy, ${silent} held (no answer yet)`);
    for (const entry of open) entry.socket.destroy();
    await Bun.sleep(1_000);
  }
  console.log(`after: ${((await rssKiB(gate.child.pid)) / 1024).toFixed(1)} MiB`);
} finally {
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((child) => child.exited.catch(() => undefined)));
  await rm(dir, { recursive: true, force: true });
}
