import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { earlyCaInstall } from "../../../../src/backend/docker/early-ca-install.ts";
import { processRunner, type Runner } from "../../../../src/core/runner.ts";
import { INSTALL_CA_SCRIPT } from "../../../../src/gate/tls/agent-trust.ts";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBfakeCA+/=\nline2\n-----END CERTIFICATE-----\n";
const EXEC = ["docker", "exec", "--interactive", "--user", "0", "b-agent", "sh", "-c"];

/**
 * A runner that runs what `docker exec` would run in the agent here, in a real sh, with
 * `script` in the install script's place (which writes to the system's CA folders).
 */
function localExec(script: string) {
  const started: string[][] = [];
  const runner: Runner = {
    ...processRunner,
    start: (argv, options) => {
      started.push([...argv]);
      expect(argv.slice(0, EXEC.length)).toEqual(EXEC);
      expect(argv.at(-1)).toBe(INSTALL_CA_SCRIPT);
      return processRunner.start([...argv.slice(EXEC.length - 2, -1), script], options);
    },
  };
  return { runner, started };
}

describe("earlyCaInstall: the CA's install waits in the agent for the certificate", () => {
  test("started before the certificate is known, it installs exactly the PEM it is handed on stdin, never on argv", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bottle-early-ca-"));
    const { runner, started } = localExec(`cat > ${dir}/ca.crt`);
    const install = earlyCaInstall(runner, "b-agent");
    await Bun.sleep(100);
    // Waiting for its stdin: nothing is written yet.
    expect(existsSync(join(dir, "ca.crt"))).toBe(false);
    await install.finish(PEM);
    expect(await readFile(join(dir, "ca.crt"), "utf8")).toBe(PEM);
    expect(started.flat().join(" ")).not.toContain("MIIB");
  });

  test("a certificate that comes before the exec waits for it goes to `instead`; the early exec installs nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bottle-early-ca-"));
    const { runner } = localExec(`cat > ${dir}/ca.crt`);
    const handed: string[] = [];
    const install = earlyCaInstall(runner, "b-agent", async (certificate) => void handed.push(certificate));
    await install.finish(PEM);
    expect(handed).toEqual([PEM]);
    await Bun.sleep(200);
    expect(existsSync(join(dir, "ca.crt"))).toBe(false);
  });

  test("once the exec waits, it installs the certificate and `instead` is not asked", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bottle-early-ca-"));
    const { runner } = localExec(`cat > ${dir}/ca.crt`);
    const handed: string[] = [];
    const install = earlyCaInstall(runner, "b-agent", async (certificate) => void handed.push(certificate));
    await Bun.sleep(150);
    await install.finish(PEM);
    expect(handed).toEqual([]);
    expect(await readFile(join(dir, "ca.crt"), "utf8")).toBe(PEM);
  });

  test("abandoned (the launch failed first), the script never runs: nothing is installed, nothing thrown", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bottle-early-ca-"));
    const { runner } = localExec(`cat > ${dir}/ca.crt`);
    earlyCaInstall(runner, "b-agent").abandon();
    await Bun.sleep(200);
    expect(existsSync(join(dir, "ca.crt"))).toBe(false);
  });

  test("a script that fails is an error naming the agent and its last line", async () => {
    const { runner } = localExec("cat >/dev/null; echo 'sh: read-only file system' >&2; exit 2");
    await expect(earlyCaInstall(runner, "b-agent").finish(PEM)).rejects.toThrow("installing the gate's CA certificate in b-agent failed (exit 2: sh: read-only file system)");
  });
});
