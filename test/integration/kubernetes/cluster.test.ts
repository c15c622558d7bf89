import { describe, expect, test } from "bun:test";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubernetesBackend } from "../../../src/backend/kubernetes/index.ts";
import { launchBottle } from "../../../src/backend/lifecycle/launch-bottle.ts";
import type { BackendDeps } from "../../../src/backend/types.ts";
import { mintIdentity } from "../../../src/core/identity.ts";
import { bottlePaths } from "../../../src/core/paths.ts";
import { processRunner } from "../../../src/core/runner.ts";
import { readSettings } from "../../../src/core/settings.ts";
import { testSpec } from "../../helpers/start-spec.ts";

/**
 * Against a live cluster, only when BOTTLE_TEST_KUBECONFIG names its kubeconfig (none
 * can be started here): BOTTLE_TEST_KUBE_AGENT_IMAGE is an image with sh and tar the
 * cluster can pull, BOTTLE_GATE_IMAGE the gate image pushed where it can pull it, and
 * BOTTLE_TEST_KUBE_NAMESPACE a namespace to use (by default, `default`). Reported as
 * skipped otherwise.
 */
const kubeconfig = process.env.BOTTLE_TEST_KUBECONFIG;
const describeCluster = kubeconfig ? describe : describe.skip;

async function deps(): Promise<BackendDeps> {
  const root = await mkdtemp(join(tmpdir(), "bottle-kube-test-"));
  const env = {
    ...process.env,
    XDG_STATE_HOME: join(root, "state"),
    BOTTLE_KUBECONFIG: kubeconfig,
    BOTTLE_KUBERNETES_NAMESPACE: process.env.BOTTLE_TEST_KUBE_NAMESPACE ?? "default",
    BOTTLE_KUBERNETES_AGENT_IMAGE: process.env.BOTTLE_TEST_KUBE_AGENT_IMAGE,
  };
  return { runner: processRunner, paths: bottlePaths(env), env, settings: readSettings(env), log: () => {} };
}

describeCluster("kubernetes backend on a live cluster", () => {
  test("launch runs a prompt in the agent's pod, stop keeps the claims, resume finds the work, rm removes all", async () => {
    const d = await deps();
    const spec = testSpec({ identity: mintIdentity("kubetest"), agentName: "kubetest", agent: { command: ["sh", "-c"] } });
    {
      await using bottle = await launchBottle(kubernetesBackend, await kubernetesBackend.prepare(spec, d), d);
      expect(await bottle.runPrompt("echo kept > /workspace/mark && exit 7")).toBe(7);
      await bottle.detach();
    }
    expect((await kubernetesBackend.list(d)).find((entry) => entry.identity === spec.identity)?.status).toBe("running");
    await kubernetesBackend.stop(spec.identity, d);
    {
      await using resumed = await launchBottle(kubernetesBackend, await kubernetesBackend.prepare(spec, d), d);
      expect(await resumed.runPrompt("grep -q kept /workspace/mark")).toBe(0);
    }
    const removed = await kubernetesBackend.remove(spec.identity, d, { force: true });
    expect(removed.removed.some((object) => object.name.startsWith("PersistentVolumeClaim/"))).toBe(true);
  }, 600_000);

  test("cp in and out through the exec API; a refusal is in the gate's audit on its claim, and saved to the state folder at stop", async () => {
    const d = await deps();
    const spec = testSpec({ identity: mintIdentity("kubetest"), agentName: "kubetest", agent: { command: ["sh", "-c"] } });
    const host = await mkdtemp(join(tmpdir(), "bottle-kube-cp-"));
    await writeFile(join(host, "in.txt"), "from the host\n");
    try {
      {
        await using bottle = await launchBottle(kubernetesBackend, await kubernetesBackend.prepare(spec, d), d);
        await kubernetesBackend.copy(spec.identity, d, { direction: "in", bottlePath: "in.txt", hostPath: join(host, "in.txt") });
        expect(await bottle.runPrompt("grep -q 'from the host' /workspace/in.txt && echo back > /workspace/out.txt")).toBe(0);
        await kubernetesBackend.copy(spec.identity, d, { direction: "out", bottlePath: "out.txt", hostPath: join(host, "out.txt") });
        expect(await readFile(join(host, "out.txt"), "utf8")).toBe("back\n");
        // Not allowed: the gate refuses it and audits it.
        await bottle.runPrompt("wget -q -O - http://refused.example/ || true");
        await bottle.detach();
      }
      await kubernetesBackend.stop(spec.identity, d);
      const audit = await readFile(d.paths.gateAuditLog(spec.identity), "utf8");
      expect(audit).toContain("refused.example");
    } finally {
      await kubernetesBackend.remove(spec.identity, d, { force: true }).catch(() => {});
    }
  }, 600_000);
});
