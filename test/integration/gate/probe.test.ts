import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner } from "../../../src/core/runner.ts";
import { freePort } from "../../helpers/free-port.ts";

const MAIN = join(import.meta.dir, "../../../src/cli/main.ts");
const bottle = (args: string[]) => processRunner.run([process.execPath, MAIN, ...args], { check: false, timeoutMs: 60_000 });

describe("bottle gate probe --config", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gate-probe-"));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test("waits for a gate that starts later, and exits 0 once /healthz answers", async () => {
    const port = await freePort();
    const file = join(dir, "late.yaml");
    await writeFile(file, `listen: 127.0.0.1:${port}\n`);
    // The probe starts first: it must keep asking until the gate is up.
    const probe = bottle(["gate", "probe", "--config", file, "--wait", "30"]);
    await Bun.sleep(300);
    const gate = processRunner.start([process.execPath, MAIN, "gate", "--config", file], { check: false });
    try {
      const result = await probe;
      expect(result.stderr).toBe("");
      expect(result.exitCode).toBe(0);
    } finally {
      gate.kill("SIGTERM");
      await gate.exited;
    }
  });

  test("asks the control port when the config has one", async () => {
    const [proxyPort, controlPort] = [await freePort(), await freePort()];
    const file = join(dir, "control.yaml");
    await writeFile(file, `listen: 127.0.0.1:${proxyPort}\ncontrol: 127.0.0.1:${controlPort}\n`);
    const gate = processRunner.start([process.execPath, MAIN, "gate", "--config", file], { check: false });
    try {
      expect((await bottle(["gate", "probe", "--config", file])).exitCode).toBe(0);
      // The same live proxy port with a control port where nothing listens: the probe asks
      // the control port, so it must fail, though the proxy port would answer /healthz.
      const elsewhere = join(dir, "control-elsewhere.yaml");
      await writeFile(elsewhere, `listen: 127.0.0.1:${proxyPort}\ncontrol: 127.0.0.1:${await freePort()}\n`);
      expect((await bottle(["gate", "probe", "--config", elsewhere, "--wait", "0.5"])).exitCode).toBe(1);
    } finally {
      gate.kill("SIGTERM");
      await gate.exited;
    }
  });

  test("exits 1 naming the URL when nothing answers within --wait", async () => {
    const port = await freePort();
    const file = join(dir, "none.yaml");
    await writeFile(file, `listen: 0.0.0.0:${port}\n`);
    const result = await bottle(["gate", "probe", "--config", file, "--wait", "0.3"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`http://127.0.0.1:${port}/healthz did not answer within 0.3 s`);
  });
});
