import { afterAll, beforeAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner } from "../../../src/core/runner.ts";
import { BUSYBOX_IMAGE, ensureBusyboxImage } from "../../helpers/images.ts";
import { describeRemoteEngine, holdRemoteEngine, loadRemoteImages, remoteEngine, type RemoteEngine } from "../../helpers/remote-engine.ts";

const SCRIPT = join(import.meta.dir, "../../../scripts/remote-engine.sh");
const docker = (env: Record<string, string>, args: string[]) =>
  processRunner.run(["docker", ...args], { env, check: false, timeoutMs: 60_000 });

describeRemoteEngine("the second engine (scripts/remote-engine.sh)", () => {
  let tls: RemoteEngine;
  let ssh: RemoteEngine;
  let unix: RemoteEngine;
  const name = `bottle-remote-probe-${randomBytes(4).toString("hex")}`;

  holdRemoteEngine();
  beforeAll(async () => {
    [tls, ssh, unix] = await Promise.all([remoteEngine("tls"), remoteEngine("ssh"), remoteEngine("unix")]);
  }, 180_000);

  afterAll(async () => {
    if (unix !== undefined) await docker(unix.env, ["rm", "--force", name]);
  });

  /** The data root the engine reports: tells the second engine from the main one. */
  const dataRoot = async (env: Record<string, string>, args: string[] = []) => {
    const info = await docker(env, [...args, "info", "--format", "{{.DockerRootDir}}"]);
    expect(info.stderr).toBe("");
    return info.stdout.trim();
  };

  test("answers over TCP with TLS client certificates, and is not the main engine", async () => {
    const main = await dataRoot({});
    const certs = tls.env.DOCKER_CERT_PATH!;
    // The explicit flags, as a person would type them.
    const version = await processRunner.run([
      "docker", "--host", `tcp://${tls.address}:2376`, "--tlsverify",
      "--tlscacert", join(certs, "ca.pem"), "--tlscert", join(certs, "cert.pem"), "--tlskey", join(certs, "key.pem"),
      "version", "--format", "{{.Server.Version}}",
    ], { env: { DOCKER_HOST: "", DOCKER_CONFIG: tls.env.DOCKER_CONFIG! } });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+/);
    const remote = await dataRoot(tls.env);
    expect(remote).toEndWith("/data");
    expect(remote).not.toBe(main);
  });

  test("refuses a TLS client without a client certificate", async () => {
    const refused = await docker({ DOCKER_CONFIG: tls.env.DOCKER_CONFIG! }, [
      "--host", `tcp://${tls.address}:2376`, "--tls", "--tlscacert", join(tls.env.DOCKER_CERT_PATH!, "ca.pem"), "version",
    ]);
    expect(refused.stderr).toMatch(/bad certificate|certificate required/);
    expect(refused.stdout).not.toContain("Server:");
  });

  test("answers over ssh:// through the sshd in its namespace, and DOCKER_CONTEXT/--context reach it too", async () => {
    const remote = await dataRoot(tls.env);
    const version = await docker(ssh.env, ["version", "--format", "{{.Server.Version}}"]);
    expect(version.exitCode).toBe(0);
    expect(await dataRoot(ssh.env)).toBe(remote);
    // Contexts the script made in its own DOCKER_CONFIG (the user's ~/.docker is untouched).
    const contextEnv = { DOCKER_CONFIG: ssh.env.DOCKER_CONFIG!, PATH: ssh.env.PATH!, DOCKER_HOST: "" };
    expect(await dataRoot({ ...contextEnv, DOCKER_CONTEXT: "bottle-remote-ssh" })).toBe(remote);
    expect(await dataRoot(contextEnv, ["--context", "bottle-remote-tls"])).toBe(remote);
  });

  test("a container's bridge address is not reached from the host; a container beside it reaches it", async () => {
    await ensureBusyboxImage();
    await loadRemoteImages(BUSYBOX_IMAGE);
    const started = await docker(tls.env, [
      "run", "--detach", "--name", name, "--label", "dev.bottle.test=remote-engine", BUSYBOX_IMAGE,
      "sh", "-c", "mkdir /www && echo up > /www/index.html && exec httpd -f -p 80 -h /www",
    ]);
    expect(started.stderr).toBe("");
    const inspect = await docker(tls.env, ["inspect", "--format", "{{.NetworkSettings.IPAddress}}", name]);
    const address = inspect.stdout.trim();
    expect(address.startsWith("198.19.")).toBe(true);
    // Up and serving, seen from beside it on the same engine…
    // Not `wget -T`: Debian's static busybox 1.35 wget segfaults with it.
    const script = `for i in $(seq 50); do timeout 2 wget -q -O - http://${address}/ && exit; sleep 0.1; done; exit 1`;
    const beside = await docker(tls.env, ["run", "--rm", BUSYBOX_IMAGE, "sh", "-c", script]);
    expect(beside.stdout.trim()).toBe("up");
    // …and not from this host, as with an engine on another machine.
    const fromHost = await fetch(`http://${address}/`, { signal: AbortSignal.timeout(3_000) }).then(
      () => "reached",
      (error: Error) => error.message,
    );
    expect(fromHost).not.toBe("reached");
  }, 60_000);

  test("a host folder bind-mounted into its container is not the host's (it shares no files with the CLI)", async () => {
    await ensureBusyboxImage();
    await loadRemoteImages(BUSYBOX_IMAGE);
    const dir = await mkdtemp(join(tmpdir(), "bottle-remote-bind-"));
    try {
      await writeFile(join(dir, "mark"), "on the host\n");
      const read = (env: Record<string, string>) => docker(env, ["run", "--rm", "--volume", `${dir}:/host`, BUSYBOX_IMAGE, "cat", "/host/mark"]);
      expect((await read({})).stdout).toBe("on the host\n");
      const remote = await read(tls.env);
      expect(remote.stdout).toBe("");
      expect(remote.stderr).toContain("No such file");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  test("images come from the main engine with the same ID", async () => {
    await ensureBusyboxImage();
    await loadRemoteImages(BUSYBOX_IMAGE);
    const id = (env: Record<string, string>) => docker(env, ["image", "inspect", "--format", "{{.Id}}", BUSYBOX_IMAGE]);
    expect((await id(unix.env)).stdout.trim()).toBe((await id({})).stdout.trim());
  });

  test("start again is a no-op on a running engine", async () => {
    const pid = () => processRunner.run(["cat", join(unix.env.DOCKER_HOST!.replace("unix://", "").replace(/\/engine\.sock$/, ""), "dockerd.pid")]);
    const before = (await pid()).stdout;
    await processRunner.run(["bash", SCRIPT, "start"], { timeoutMs: 60_000 });
    expect((await pid()).stdout).toBe(before);
  });
});
