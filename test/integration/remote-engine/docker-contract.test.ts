import { describe } from "bun:test";
import { dockerBackend } from "../../../src/backend/docker/index.ts";
import { processRunner } from "../../../src/core/runner.ts";
import { runBackendContract } from "../../helpers/backend-contract.ts";
import { BUSYBOX_IMAGE, ensureBusyboxImage } from "../../helpers/images.ts";
import { describeRemoteEngine, holdRemoteEngine, loadRemoteImages, remoteEngine, runnerWithEnv, type RemoteTransport } from "../../helpers/remote-engine.ts";
import { busyboxSpec, testDeps } from "../backend/docker/fixtures.ts";

/** The same contract suite as the local engine's, against the second engine over `transport`. */
function remoteContract(transport: RemoteTransport) {
  describe(`over ${transport}`, () => {
    runBackendContract(async () => {
      const engine = await remoteEngine(transport);
      await ensureBusyboxImage();
      await loadRemoteImages(BUSYBOX_IMAGE);
      const runner = runnerWithEnv(engine.env);
      const leftovers = async (identity: string) => {
        const filter = ["--filter", `label=dev.bottle.identity=${identity}`];
        const [containers, networks, volumes] = await Promise.all([
          runner.run(["docker", "ps", "-a", ...filter, "--format", "container {{.Names}}"]),
          runner.run(["docker", "network", "ls", ...filter, "--format", "network {{.Name}}"]),
          runner.run(["docker", "volume", "ls", ...filter, "--format", "volume {{.Name}}"]),
        ]);
        return `${containers.stdout}${networks.stdout}${volumes.stdout}`.split("\n").filter((line) => line !== "");
      };
      return {
        backend: dockerBackend,
        deps: async () => ({ ...(await testDeps({ ...engine.env, BOTTLE_SUBNET_POOL: "198.19.0.0/17" })), runner }),
        spec: () => busyboxSpec({}, { agent: { image: BUSYBOX_IMAGE, command: ["sh", "-c"], skills: [], env: {}, bottle: "default" } }),
        leftovers,
      };
    });
  });
}

describeRemoteEngine("docker backend contract on a remote engine", () => {
  holdRemoteEngine();
  remoteContract("tls");
  remoteContract("ssh");
});

void processRunner;
