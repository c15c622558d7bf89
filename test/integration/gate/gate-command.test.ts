import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner, type RunningProcess } from "../../../src/core/runner.ts";
import { blockReason, curl, startRecordingOrigin } from "./harness.ts";

const MAIN = join(import.meta.dir, "../../../src/cli/main.ts");

/** `bottle gate --config FILE` as its own process, with a way to wait for log lines. */
function startGateProcess(config: string, env: Record<string, string> = {}) {
  let log = "";
  const waiters: { pattern: RegExp; from: number; resolve: (match: RegExpMatchArray) => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      const match = log.slice(waiter.from).match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  const child: RunningProcess = processRunner.start([process.execPath, MAIN, "gate", "--config", config], {
    env,
    check: false,
    onOutput: (chunk, stream) => {
      if (stream !== "stderr") return;
      log += chunk;
      check();
    },
  });
  /** Resolves on the first match in output that arrives after the call (earlier lines do not count). */
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve) => {
      waiters.push({ pattern, from: log.length, resolve });
    });
  return { child, waitFor, log: () => log };
}

describe("bottle gate --config", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gate-cmd-"));
  const origin = startRecordingOrigin();
  const file = join(dir, "gate.yaml");
  const audit = join(dir, "audit.jsonl");
  const policy = (allow: string) => `listen: 127.0.0.1:0\naudit: ${audit}\negress:\n  allow: [${allow}]\n  allow_cidrs: [127.0.0.0/8]\n`;
  afterAll(async () => {
    origin.server.stop(true);
    await rm(dir, { recursive: true, force: true });
  });

  test("serves, reloads on file change and SIGHUP, keeps the old policy on a bad one, stops on SIGTERM", async () => {
    await writeFile(file, policy("localhost"));
    const gate = startGateProcess(file);
    const port = (await gate.waitFor(/listening on 127\.0\.0\.1:(\d+)/))[1]!;
    const proxy = `http://127.0.0.1:${port}`;
    const url = `http://localhost:${origin.server.port}/cmd`;

    expect((await curl([`${proxy}/healthz`])).status).toBe(200);
    expect((await curl(["-x", proxy, url])).status).toBe(200);
    expect((await stat(audit)).mode & 0o777).toBe(0o600);

    await writeFile(file, policy("example.test"));
    await gate.waitFor(/reloaded .* \(file changed\)/);
    const refused = await curl(["-x", proxy, url]);
    expect(refused.status).toBe(403);
    expect(blockReason(refused)).toBe("not-allowed");

    await writeFile(file, "listen: [oops\n");
    await gate.waitFor(/reload failed, keeping the previous policy: .*gate\.yaml:\d+:\d+/s);
    expect((await curl(["-x", proxy, url])).status).toBe(403);

    await writeFile(file, policy("localhost"));
    await gate.waitFor(/reloaded .* \(file changed\)/);
    gate.child.kill("SIGHUP");
    await gate.waitFor(/reloaded .* \(SIGHUP\)/);
    expect((await curl(["-x", proxy, url])).status).toBe(200);

    gate.child.kill("SIGTERM");
    const result = await gate.child.exited;
    expect(result.exitCode).toBe(0);
    expect(gate.log()).toContain("SIGTERM: shutting down");
  }, 60_000);

  test("a bad config is FILE:LINE:COL and exit 1; a missing inject variable is named", async () => {
    const bad = join(dir, "bad.yaml");
    await writeFile(bad, "listen: 127.0.0.1:0\negress:\n  allow_cidrs: [not-a-cidr]\n");
    const result = await processRunner.run([process.execPath, MAIN, "gate", "--config", bad], { check: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${bad}:3:17: not a CIDR block: not-a-cidr`);
    expect(result.stderr).not.toContain("    at ");

    const route = join(dir, "route.yaml");
    await writeFile(route, "listen: 127.0.0.1:0\negress:\n  routes:\n    - name: a\n      upstream: https://api.anthropic.com\n      inject: { header: authorization, value: 'Bearer ${NOT_SET_ANYWHERE}' }\n");
    const missing = await processRunner.run([process.execPath, MAIN, "gate", "--config", route], { check: false });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("NOT_SET_ANYWHERE is not set in the gate's environment");

    const usage = await processRunner.run([process.execPath, MAIN, "gate"], { check: false });
    expect(usage.exitCode).toBe(2);
  });
});
