/**
 * Plain-HTTP throughput with wrk (Debian's 4.1): through a proxy, wrk connects to the
 * proxy and a Lua script sends absolute-form requests to the origin, as a proxied
 * client would; straight to the origin, plain origin-form.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { processRunner } from "../../src/core/runner.ts";

/** What wrk reported. */
export interface WrkResult {
  requestsPerSecond: number;
  /** Latency percentiles in ms (wrk's `--latency`). */
  p50: number;
  p99: number;
  errors: number;
}

function ms(text: string | undefined): number {
  const match = /([\d.]+)(us|ms|s)/.exec(text ?? "");
  if (match === null) return NaN;
  const value = Number(match[1]);
  return match[2] === "us" ? value / 1000 : match[2] === "s" ? value * 1000 : value;
}

/** Runs `wrk -t2 -cN -dS --latency` (one thread for one connection) against `originPort`, through `proxyPort` when given. */
export async function runWrk(dir: string, originPort: number, proxyPort: number | undefined, connections: number, seconds: number): Promise<WrkResult> {
  const script = join(dir, "absolute.lua");
  await writeFile(script, `wrk.path = "http://127.0.0.1:${originPort}/"\nwrk.headers["Host"] = "127.0.0.1:${originPort}"\n`);
  const argv = ["wrk", `-t${Math.min(2, connections)}`, `-c${connections}`, `-d${seconds}s`, "--latency"];
  const target = proxyPort === undefined ? `http://127.0.0.1:${originPort}/` : `http://127.0.0.1:${proxyPort}`;
  const result = await processRunner.run([...argv, ...(proxyPort === undefined ? [] : ["-s", script]), target], { check: false, timeoutMs: (seconds + 30) * 1000 });
  const out = result.stdout;
  const errors = [...out.matchAll(/(?:connect|read|write|timeout) (\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0) +
    Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return {
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    p50: ms(/\s50%\s+(\S+)/.exec(out)?.[1]),
    p99: ms(/\s99%\s+(\S+)/.exec(out)?.[1]),
    errors,
  };
}
