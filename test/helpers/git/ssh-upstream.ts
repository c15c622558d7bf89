import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner, type RunningProcess } from "../../../src/core/runner.ts";
import { freePort } from "../free-port.ts";

export { freePort };

/** A real sshd on a loopback port, with its own host key, letting one client key in. */
export interface SshUpstream {
  dir: string;
  port: number;
  /** `ssh://user@127.0.0.1:PORT` — append a repo path. */
  base: string;
  /** The client's private key (0600), as the gate would hold it. */
  clientKey: string;
  /** `ssh-ed25519 AAAA…` of the host key. */
  hostKey: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** True when Debian's openssh-server is installed (`/usr/sbin/sshd`). */
export const sshdAvailable = existsSync("/usr/sbin/sshd");


async function waitForPort(port: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => (socket.destroy(), resolve(true)));
      socket.on("error", () => resolve(false));
    });
    if (up) return;
    await Bun.sleep(50);
  }
  throw new Error(`sshd did not listen on ${port}`);
}

/**
 * Starts Debian's sshd (`-D -e`, its own config, no PAM) on 127.0.0.1 (or `listen`:
 * `0.0.0.0` lets containers reach it at the docker bridge's address) for the current
 * user, with a fresh ed25519 host key and one authorized client key only.
 */
export async function startSshUpstream(options: { listen?: string } = {}): Promise<SshUpstream> {
  const dir = await mkdtemp(join(tmpdir(), "bottle-sshd-"));
  const file = (name: string) => join(dir, name);
  const keygen = (path: string) => processRunner.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path]);
  await keygen(file("host_key"));
  await keygen(file("client_key"));
  await writeFile(file("authorized_keys"), await readFile(file("client_key.pub")), { mode: 0o600 });
  const port = await freePort();
  // Bun 1.4.5's os.userInfo() answers "unknown" for root here: ask id.
  const user = (await processRunner.run(["id", "-un"])).stdout.trim();
  await writeFile(
    file("sshd_config"),
    [
      `Port ${port}`,
      `ListenAddress ${options.listen ?? "127.0.0.1"}`,
      `HostKey ${file("host_key")}`,
      `AuthorizedKeysFile ${file("authorized_keys")}`,
      `PidFile ${file("sshd.pid")}`,
      `AllowUsers ${user}`,
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      // The key files live under /tmp, which is world-writable: sshd's mode check would refuse them.
      "StrictModes no",
      "AcceptEnv GIT_PROTOCOL",
      `LogLevel ${process.env.BOTTLE_TEST_SSHD_LOG === "1" ? "DEBUG1" : "ERROR"}`,
      "",
    ].join("\n"),
  );
  // Debian's sshd needs its privilege-separation folder, which only its init script makes.
  if (!existsSync("/run/sshd")) await mkdir("/run/sshd", { recursive: true, mode: 0o755 }).catch(() => {});
  const hostKey = (await readFile(file("host_key.pub"), "utf8")).trim().split(/\s+/).slice(0, 2).join(" ");
  let sshd: RunningProcess | undefined;
  const start = async () => {
    sshd = processRunner.start(["/usr/sbin/sshd", "-D", "-e", "-f", file("sshd_config")], { check: false, onOutput: (chunk) => process.env.BOTTLE_TEST_SSHD_LOG === "1" && process.stderr.write(`sshd: ${chunk}`) });
    const running = sshd;
    void running.exited.then((result) => {
      if (sshd === running) process.stderr.write(`test sshd on ${port} ended early: exit ${result.exitCode} ${result.signal ?? ""} ${result.stderr}\n`);
    });
    await waitForPort(port, 10_000);
  };
  const stop = async () => {
    const running = sshd;
    sshd = undefined;
    running?.kill("SIGTERM");
    await running?.exited;
  };
  await start();
  return {
    dir,
    port,
    base: `ssh://${user}@127.0.0.1:${port}`,
    clientKey: file("client_key"),
    hostKey,
    start,
    stop,
    async [Symbol.asyncDispose]() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
