import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { relayFile } from "../../../../src/backend/gate-runtime/request-relay.ts";
import { auditRelayFile } from "../../../../src/backend/gate-runtime/audit-relay.ts";
import { kubernetesBackend } from "../../../../src/backend/kubernetes/index.ts";
import type { BackendDeps, LaunchStep } from "../../../../src/backend/types.ts";
import { auditLogPath, bottlePaths } from "../../../../src/core/paths.ts";
import { readSettings } from "../../../../src/core/settings.ts";
import { writePrivateFile } from "../../../../src/core/state.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";
import { testSpec } from "../../../helpers/start-spec.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

// A cluster at a loopback port nothing listens on: the connect step loads the kubeconfig, asks nothing.
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]
users: [{ name: u, user: { token: not-a-real-token } }]
contexts: [{ name: dev, context: { cluster: c, user: u, namespace: agents } }]
current-context: dev
`;

async function world(supervise: boolean) {
  const root = await mkdtemp(join(tmpdir(), "bottle-kube-steps-"));
  dirs.push(root);
  const kubeconfig = join(root, "kubeconfig");
  await writeFile(kubeconfig, KUBECONFIG);
  const env = { HOME: root, XDG_STATE_HOME: join(root, "state"), BOTTLE_KUBECONFIG: kubeconfig, BOTTLE_GATE_IMAGE: "registry.test/gate:1", CLAUDE_CODE_OAUTH_TOKEN: "not-a-real-token" };
  const deps: BackendDeps = { runner: recordingRunner().runner, paths: bottlePaths(env), env, settings: readSettings(env), log: () => {} };
  const spec = testSpec({ identity: "claude-abcdefgh", agentName: "claude", agent: { image: "registry.test/agent:1", command: ["claude"] }, bottle: { supervise }, env });
  const plan = await kubernetesBackend.prepare(spec, deps);
  const recipe = await kubernetesBackend.steps(plan, deps);
  const connect = recipe.steps[0] as LaunchStep;
  return { plan, connect };
}

describe("kubernetes launch: the connect step (no cluster asked)", () => {
  test("with supervise, it records the relay: kubectl exec of the gate's `bottle gate requests`, same kubeconfig and namespace", async () => {
    const { plan, connect } = await world(true);
    expect(connect.name).toBe("connect");
    // A copy a stop saved is stale once the gate runs again: the claim has the whole log.
    await writePrivateFile(auditLogPath(plan.stateDir), "old\n");
    await connect.create();
    const relay = JSON.parse(await readFile(relayFile(plan.stateDir), "utf8")) as { argv: string[] };
    const { names, target } = plan.details.bottle;
    expect(relay.argv).toEqual([
      "kubectl", "--kubeconfig", target.kubeconfig!, "--namespace", "agents", "exec", "--stdin",
      names.gatePod, "--container", "gate", "--", "/usr/local/bin/bottle", "gate", "requests", "--config", "/etc/bottle/gate.json",
    ]);
    expect(existsSync(auditLogPath(plan.stateDir))).toBe(false);
    // `logs --gate` of the running bottle: `bottle gate audit` in the gate, the same way.
    const audit = JSON.parse(await readFile(auditRelayFile(plan.stateDir), "utf8")) as { argv: string[] };
    expect(audit.argv).toEqual([...relay.argv.slice(0, relay.argv.indexOf("exec") + 1), "--stdin", names.gatePod, "--container", "gate", "--", "/usr/local/bin/bottle", "gate", "audit", "--config", "/etc/bottle/gate.json"]);
  });

  test("without supervise, no relay (and one left by an earlier launch goes)", async () => {
    const { plan, connect } = await world(false);
    const { writeRequestRelay } = await import("../../../../src/backend/gate-runtime/request-relay.ts");
    await writeRequestRelay(plan.stateDir, ["kubectl", "exec", "old"]);
    await connect.create();
    expect(existsSync(relayFile(plan.stateDir))).toBe(false);
  });
});
