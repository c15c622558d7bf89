import { readFile } from "node:fs/promises";
import type { Backend, LaunchStep } from "../types.ts";
import { createObject, deleteObject } from "./apply-objects.ts";
import { copyIntoPod } from "./copy-into-pod.ts";
import { kubectlExec } from "./exec-in-pod.ts";
import { connectKube, type KubeClient } from "./kube-client.ts";
import type { KubeObject } from "./kube-object.ts";
import type { KubeDetails } from "./kube-plan.ts";
import { WORKSPACE } from "./render-agent.ts";
import { fillSecret } from "./render-secret.ts";
import { waitForPod } from "./wait-for-pod.ts";

const nothing = async () => {};

/**
 * A Kubernetes bottle's launch as steps for `launchBottle`: the Secrets filled now
 * (values read from this host, never stored), then config and Secrets, the claims
 * (work: kept on resume and stop), the NetworkPolicies before any pod, the Service, the
 * gate's pod until its readiness probe passes, the agent's pod, and `--cwd` by tar over
 * the exec API. Each undo deletes what its create made.
 */
export const steps: Backend<KubeDetails>["steps"] = async (plan, deps) => {
  const { bottle, objects } = plan.details;
  const { spec } = plan;
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
          const read = { env: deps.env, readFile: (path: string) => readFile(path) };
          for (const secret of of("Secret")) {
            const sources = secret.metadata.name === bottle.names.gateSecret ? bottle.gate.secrets : bottle.agent.secretEnv;
            filled.set(secret.metadata.name, await fillSecret(secret as Extract<KubeObject, { kind: "Secret" }>, sources, read));
          }
        },
        undo: nothing,
      },
      [...of("ConfigMap"), ...of("Secret")].map((object) => step(object)),
      of("PersistentVolumeClaim").map((object) => step(object, { work: true })),
      of("NetworkPolicy").map((object) => step(object)),
      of("Service").map((object) => step(object)),
      { ...step(gatePod), says: "starting the gate and the agent…" },
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
          if (spec.copyFrom !== undefined && !plan.resume) await copyIntoPod(client, deps.runner, agentPod.metadata.name, "agent", spec.copyFrom, WORKSPACE);
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
