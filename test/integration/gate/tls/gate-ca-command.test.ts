import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner } from "../../../../src/core/runner.ts";
import { freePort } from "../../../helpers/free-port.ts";

const MAIN = join(import.meta.dir, "../../../../src/cli/main.ts");
const bottle = (args: string[]) => processRunner.run([process.execPath, MAIN, ...args], { check: false, timeoutMs: 60_000 });

describe("bottle gate ca --config (what a backend execs in the gate's container on a remote engine)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gate-ca-"));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test("prints the running gate's CA certificate, the one it serves, read on its control port", async () => {
    const [proxyPort, controlPort] = [await freePort(), await freePort()];
    const file = join(dir, "gate.yaml");
    await writeFile(file, `listen: 127.0.0.1:${proxyPort}\ncontrol: 127.0.0.1:${controlPort}\negress:\n  tls: { inspect: true }\n`);
    const gate = processRunner.start([process.execPath, MAIN, "gate", "--config", file], { check: false });
    try {
      expect((await bottle(["gate", "probe", "--config", file])).exitCode).toBe(0);
      const printed = await bottle(["gate", "ca", "--config", file]);
      expect(printed.stderr).toBe("");
      expect(printed.exitCode).toBe(0);
      expect(printed.stdout).toStartWith("-----BEGIN CERTIFICATE-----");
      expect(printed.stdout).not.toContain("PRIVATE");
      expect(printed.stdout).toBe(await (await fetch(`http://127.0.0.1:${proxyPort}/tls/ca.pem`)).text());
    } finally {
      gate.kill("SIGTERM");
      await gate.exited;
    }
  });

  test("fails, printing nothing, when no gate answers", async () => {
    const file = join(dir, "none.yaml");
    await writeFile(file, `listen: 127.0.0.1:${await freePort()}\n`);
    const printed = await bottle(["gate", "ca", "--config", file]);
    expect(printed.exitCode).not.toBe(0);
    expect(printed.stdout).toBe("");
  });
});
