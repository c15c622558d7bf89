import { existsSync } from "node:fs";
import { bottleFiles } from "../../core/paths.ts";
import { agentImage } from "../images/agent-image.ts";
import { gateImage } from "../images/gate-image.ts";
import type { Backend, Plan } from "../types.ts";
import { kubernetesInput } from "./kube-input.ts";
import type { KubeDetails } from "./kube-plan.ts";
import { kubeTarget } from "./kube-target.ts";
import { kubeconfigFiles, readKubeconfig } from "./kubeconfig-file.ts";
import { objectsYaml } from "./plan-yaml.ts";
import { renderBottle } from "./render-bottle.ts";
import { planGitGate } from "../../gate/services/git/plan-git-gate.ts";
import { gitTokenValues } from "../gate-runtime/git-gate.ts";

/**
 * Renders every object of the bottle without touching a cluster: the namespace comes
 * from the manifest, the settings or the kubeconfig file (read, not contacted), else
 * `default`. The images are the refs the cluster must pull: `BOTTLE_KUBERNETES_AGENT_IMAGE`
 * and `BOTTLE_GATE_IMAGE` when set, else the agent's own ref, else the names the docker
 * backend would build here (push them, or the pods report ErrImagePull). The git gate's
 * repos are resolved as docker's are (host keys pinned, keys checked, tokens named) and
 * an unset token fails here.
 */
export const prepare: Backend<KubeDetails>["prepare"] = async (spec, deps) => {
  const { settings } = deps;
  const stateDir = deps.paths.bottleState(spec.identity);
  const target = kubeTarget(spec.bottle.runtime, spec.bottle.kubernetes, spec.manifestDir, settings);
  const fromFile = readKubeconfig(kubeconfigFiles(target, deps.env), target.context);
  const agent = spec.image.kind === "ref" ? spec.image.ref : (settings.BOTTLE_KUBERNETES_AGENT_IMAGE ?? agentImage(spec, settings, settings.BOTTLE_BASE_IMAGE ?? "debian:bookworm-slim", deps.paths).ref);
  const gate = gateImage(settings.BOTTLE_GATE_IMAGE, deps.paths).ref;
  const git = await planGitGate(spec.bottle.git, { runner: deps.runner, manifestDir: spec.manifestDir, home: deps.env.HOME });
  gitTokenValues(git, deps.env);
  const bottle = kubernetesInput(spec, { owner: deps.paths.state, namespace: fromFile.namespace ?? "default", images: { agent, gate }, settings, git, attended: deps.attended === true });
  const objects = renderBottle(bottle);
  const plan: Plan<KubeDetails> = {
    backend: "kubernetes",
    spec,
    stateDir,
    resume: existsSync(bottleFiles(stateDir).metadata),
    commands: [],
    objects: { list: objects, yaml: objectsYaml(objects) },
    details: { bottle, objects },
  };
  return Object.freeze(plan);
};
