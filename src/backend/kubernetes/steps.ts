import { readFile, rm } from "node:fs/promises";
import { auditLogPath } from "../../core/paths.ts";
import type { Backend, LaunchStep } from "../types.ts";
import { createObject, deleteObject } from "./apply-objects.ts";
import { copyWithPod } from "./copy-with-pod.ts";
import { kubectlExec } from "./exec-in-pod.ts";
import { connectKube, type KubeClient } from "./kube-client.ts";
import type { KubeObject } from "./kube-object.ts";
import type { KubeDetails } from "./kube-plan.ts";
import { WORKSPACE } from "./render-agent.ts";
import { fillSecret } from "./render-secret.ts";
import { waitForPod } from "./wait-for-pod.ts";
import { isClaude } from "../agent/agent-home.ts";
import { GATE_BINARY } from "../gate-runtime/probe-gate.ts";
import { writeRequestRelay } from "../gate-runtime/request-relay.ts";
import { writeAuditRelay } from "../gate-runtime/audit-relay.ts";
import { newSuperviseToken } from "../../gate/services/supervise/supervise-plan.ts";
import { registerSuperviseInPod } from "./register-supervise-in-pod.ts";
import { GATE_CONFIG_DIR } from "./render-gate.ts";
import { gateAuditArgv, saveGateAudit } from "./save-gate-audit.ts";
import { trustGateCaInPod } from "./trust-gate-ca-in-pod.ts";

const nothing = async () => {};

/**
 * A Kubernetes bottle's launch as steps for `launchBottle`: the Secrets filled now
 * (values read from this host, never stored), then config and Secrets, the claims
 * (work: kept on resume and stop), the NetworkPolicies before any pod, the Service, the
 * gate's pod until its readiness probe passes, the agent's pod, `--cwd` by tar over the
 * exec API, then (over exec, before the agent runs) the gate's CA into the agent's
 * trust and supervise into Claude Code's config. Supervise requests are relayed by
 * `kubectl exec` of the gate (see `syncBottleRequests`); the gate's audit log is copied
 * back before its pod goes. Each undo deletes what its create made.
 */
export const steps: Backend<KubeDetails>["steps"] = async (plan, deps) => {
  const { bottle, objects } = plan.details;
  const { spec, stateDir } = plan;
  // Supervise: a token minted for this launch, into the gate's and the agent's Secrets.
  const superviseToken = bottle.agent.supervise === undefined ? undefined : newSuperviseToken();
  const minted: Record<string, string> = superviseToken === undefined ? {} : { [bottle.agent.supervise!.tokenKey]: superviseToken };
  let connecting: Promise<KubeClient> | undefined;
  const kube = () => (connecting ??= connectKube({ ...bottle.target, namespace: bottle.namespace }, deps.env));
  const filled = new Map<string, KubeObject>();
  const step = (object: KubeObject, options: { work?: boolean } = {}): LaunchStep => ({
    name: `${object.kind.toLowerCase()}-${object.metadata.name}`,
    ...(options.work ? { work: true } : {}),
    create: async () => createObject(await kube(), filled.get(object.metadata.name) ?? object, plan.resume && options.work ? "keep" : "fail"),
    undo: async () => deleteObject(await kube(), object),
  });
  const of = (kind: KubeObject["kind"]) => objects.filter((object) => object.kind === kind);
  const pod = (role: "gate" | "agent") => objects.find((object) => object.kind === "Pod" && object.metadata.labels["dev.bottle.role"] === role)!;
  const [gatePod, agentPod] = [pod("gate"), pod("agent")];
  return {
    steps: [
      {
        name: "connect",
        says: `connecting to the cluster for ${spec.identity}…`,
        async create() {
          const client = await kube();
          deps.log(`cluster ${client.server}, namespace ${client.namespace}`);
          // Values are read now, from this host: a missing variable or key file fails before anything is made.
          const read = { env: deps.env, readFile: (path: string) => readFile(path), minted };
          for (const secret of of("Secret")) {
            const sources = secret.metadata.name === bottle.names.gateSecret ? bottle.gate.secrets : bottle.agent.secretEnv;
            filled.set(secret.metadata.name, await fillSecret(secret as Extract<KubeObject, { kind: "Secret" }>, sources, read));
          }
          // This host cannot share the gate's requests folder (its claim): the CLI relays it through kubectl exec.
          const relay = [GATE_BINARY, "gate", "requests", "--config", `${GATE_CONFIG_DIR}/gate.json`];
          // The audit log is read from the gate while it runs (`logs --gate` by kubectl exec); the copy a stop saved would be stale (the claim has it all).
          await rm(auditLogPath(stateDir), { force: true });
          await writeAuditRelay(stateDir, kubectlExec(bottle.target, bottle.namespace, gatePod.metadata.name, gateAuditArgv(false), { interactive: true, tty: false }, "gate"));
          await writeRequestRelay(stateDir, superviseToken === undefined ? undefined : kubectlExec(bottle.target, bottle.namespace, gatePod.metadata.name, relay, { interactive: true, tty: false }, "gate"));
        },
        undo: nothing,
      },
      [...of("ConfigMap"), ...of("Secret")].map((object) => step(object)),
      of("PersistentVolumeClaim").map((object) => step(object, { work: true })),
      of("NetworkPolicy").map((object) => step(object)),
      of("Service").map((object) => step(object)),
      {
        ...step(gatePod),
        says: "starting the gate and the agent…",
        // The audit log goes back to the state folder before its gate does.
        undo: async () => {
          const client = await kube();
          await saveGateAudit(client, gatePod.metadata.name, stateDir);
          await deleteObject(client, gatePod);
        },
      },
      {
        name: "gate-ready",
        create: async () => waitForPod(await kube(), gatePod.metadata.name, { signal: deps.signal, log: deps.log }),
        undo: nothing,
      },
      step(agentPod),
      {
        name: "agent-ready",
        says: "waiting for the agent and provisioning the workspace…",
        async create() {
          const client = await kube();
          await waitForPod(client, agentPod.metadata.name, { signal: deps.signal, log: deps.log });
          // `--cwd`: the folder's contents (dotfiles, uncommitted and ignored files too), as docker's copy.
          if (spec.copyFrom !== undefined && !plan.resume) {
            await copyWithPod(client, deps.runner, agentPod.metadata.name, { direction: "in", bottlePath: `${WORKSPACE}/.`, hostPath: `${spec.copyFrom}/.` }, deps.signal);
          }
          await trustGateCaInPod(client, bottle);
          if (superviseToken !== undefined && isClaude(spec.agent.command ?? [])) await registerSuperviseInPod(client, bottle, superviseToken);
        },
        undo: nothing,
      },
    ],
    agent() {
      const command = spec.agent.command ?? ["sh"];
      return {
        command,
        resumeArgs: [],
        objects: { containers: [gatePod.metadata.name, agentPod.metadata.name], networks: [], volumes: [bottle.names.workspace, bottle.names.home] },
        exec: (argv, mode) => kubectlExec(bottle.target, bottle.namespace, agentPod.metadata.name, argv, mode),
      };
    },
  };
};
