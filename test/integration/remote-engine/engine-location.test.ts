import { expect, test } from "bun:test";
import { engineLocation } from "../../../src/backend/docker/engine-location.ts";
import { processRunner } from "../../../src/core/runner.ts";
import { describeEngine as describeMain } from "../../helpers/engine.ts";
import { describeRemoteEngine, holdRemoteEngine, remoteEngine, runnerWithEnv } from "../../helpers/remote-engine.ts";

describeMain("engineLocation on the main engine", () => {
  test("the engine on this host's socket is local", async () => {
    const location = await engineLocation(processRunner);
    expect(location.endpoint).toStartWith("unix://");
    expect(location.reachesBridges).toBe(true);
  });
});

describeRemoteEngine("engineLocation on the second engine", () => {
  holdRemoteEngine();
  test("DOCKER_HOST tcp:// and ssh://, and DOCKER_CONTEXT naming either, are remote", async () => {
    const [tls, ssh] = await Promise.all([remoteEngine("tls"), remoteEngine("ssh")]);
    const where = async (env: Record<string, string>) => engineLocation(runnerWithEnv(env));
    expect(await where(tls.env)).toEqual({ context: "default", endpoint: `tcp://${tls.address}:2376`, sharesFiles: false, reachesBridges: false });
    expect(await where(ssh.env)).toEqual({ context: "default", endpoint: `ssh://root@${ssh.address}`, sharesFiles: false, reachesBridges: false });
    const contexts = { DOCKER_CONFIG: tls.env.DOCKER_CONFIG!, DOCKER_HOST: "", PATH: ssh.env.PATH! };
    expect(await where({ ...contexts, DOCKER_CONTEXT: "bottle-remote-tls" })).toMatchObject({ context: "bottle-remote-tls", sharesFiles: false });
    expect(await where({ ...contexts, DOCKER_CONTEXT: "bottle-remote-ssh" })).toMatchObject({ context: "bottle-remote-ssh", endpoint: `ssh://root@${ssh.address}` });
  }, 60_000);
});
