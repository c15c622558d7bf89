import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as v from "valibot";
import { GateConfigSchema } from "../../../../src/gate/config-schema.ts";
import { planGitGate } from "../../../../src/gate/services/git/plan-git-gate.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";
import { gateAccounts } from "../../../../src/backend/images/gate-git-tools.ts";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { kubernetesInput, type KubernetesInputOptions } from "../../../../src/backend/kubernetes/kube-input.ts";
import type { KubeObject, KubeObjectOf } from "../../../../src/backend/kubernetes/kube-object.ts";
import { objectsYaml } from "../../../../src/backend/kubernetes/plan-yaml.ts";
import { renderBottle } from "../../../../src/backend/kubernetes/render-bottle.ts";
import { fillSecret, SECRET_KEYS_ANNOTATION } from "../../../../src/backend/kubernetes/render-secret.ts";
import { LABEL } from "../../../../src/core/labels.ts";
import { readSettings } from "../../../../src/core/settings.ts";
import { VERSION } from "../../../../src/core/version.ts";
import { manifestJsonSchema } from "../../../../src/manifest/json-schema.ts";
import { DEFAULT_MANIFEST } from "../../../../src/manifest/default-manifest.ts";
import { parseManifest } from "../../../../src/manifest/parse-manifest.ts";
import { resolveStart } from "../../../../src/manifest/resolve.ts";
import { schemaProblems } from "./schema-problems.ts";

const FIXTURES = join(import.meta.dir, "fixtures");
const TOKEN = "sk-ant-oat01-test-value-that-must-never-render";
const GH_HOST = "ghe.example.test";
const HOST_ENV = { CLAUDE_CODE_OAUTH_TOKEN: TOKEN, BOTTLE_TEST_TOKEN: TOKEN, BOTTLE_TEST_GH_HOST: GH_HOST };
const OPTIONS: KubernetesInputOptions = {
  owner: "/home/someone/.local/state/bottle",
  namespace: "default",
  images: { agent: "registry.example.test/bottle-agent:1", gate: "registry.example.test/bottle-gate:1" },
  settings: readSettings({}),
};

// The every-key fixture's deploy key, 0600 (git keeps no such mode): planGitGate checks it as it would at prepare.
const KEY_HOME = mkdtempSync(join(tmpdir(), "bottle-kube-keys-"));
mkdirSync(join(KEY_HOME, "keys"));
writeFileSync(join(KEY_HOME, "keys", "deploy"), "not a real key\n", { mode: 0o600 });
const EVERY_KEY_FILE = join(FIXTURES, "every-key.yaml");
const everyKeyRepos = parseManifest(EVERY_KEY_FILE, readFileSync(EVERY_KEY_FILE, "utf8")).manifest!.bottles.everything!.git;
const GIT = await planGitGate(everyKeyRepos, { runner: recordingRunner().runner, manifestDir: KEY_HOME, home: KEY_HOME });

/** The gate's config as its ConfigMap has it, validated as `bottle gate --config` validates it. */
function gateConfigOf(objects: KubeObject[]) {
  const [config] = objects.filter((object): object is KubeObjectOf<"ConfigMap"> => object.kind === "ConfigMap");
  const parsed = v.safeParse(GateConfigSchema, JSON.parse(config!.data!["gate.json"]!));
  expect(parsed.issues).toBeUndefined();
  return parsed.output as v.InferOutput<typeof GateConfigSchema>;
}

function defaultObjects() {
  const spec = resolveStart({ manifest: DEFAULT_MANIFEST, file: "<built-in>", dir: "/work/project" }, { env: HOST_ENV, identity: "claude-abcdefgh" });
  return { spec, input: kubernetesInput(spec, OPTIONS) };
}

function everyKey(env: Record<string, string | undefined> = {}) {
  const file = join(FIXTURES, "every-key.yaml");
  const { manifest, problems } = parseManifest(file, readFileSync(file, "utf8"));
  expect(problems).toEqual([]);
  const spec = resolveStart({ manifest: manifest!, file, dir: FIXTURES }, { env: HOST_ENV, agent: "claude", identity: "claude-abcdefgh" });
  return { spec, input: kubernetesInput(spec, { ...OPTIONS, settings: readSettings(env), git: GIT }) };
}

const find = <K extends KubeObject["kind"]>(objects: KubeObject[], kind: K, role: string): KubeObjectOf<K>[] =>
  objects.filter((object): object is KubeObjectOf<K> => object.kind === kind && object.metadata.labels[LABEL.role] === role);

/** Every property name a JSON Schema declares, as dotted paths (`bottles.*.egress.allow`). */
function schemaKeys(schema: Record<string, unknown>, path = ""): string[] {
  const keys: string[] = [];
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  for (const [key, child] of Object.entries(properties ?? {})) keys.push(`${path}${key}`, ...schemaKeys(child, `${path}${key}.`));
  const more = schema.additionalProperties;
  if (typeof more === "object" && more !== null) keys.push(...schemaKeys(more as Record<string, unknown>, `${path}*.`));
  if (typeof schema.items === "object" && schema.items !== null) keys.push(...schemaKeys(schema.items as Record<string, unknown>, path));
  for (const branch of (schema.anyOf ?? schema.oneOf ?? []) as Record<string, unknown>[]) keys.push(...schemaKeys(branch, path));
  return keys;
}

/** The same walk over a parsed YAML value. */
function usedKeys(value: unknown, path = "", map = false): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => usedKeys(item, path));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const name = map ? "*" : key;
    // agents and bottles are maps by name; env is a map by variable name.
    const childIsMap = (path === "" && (key === "agents" || key === "bottles")) || key === "env";
    const here = `${path}${name}`;
    return [here, ...usedKeys(child, `${here}.`, childIsMap)];
  });
}

describe("kubernetes rendering", () => {
  test("the every-key fixture uses every key the manifest schema has", () => {
    const declared = new Set(schemaKeys(manifestJsonSchema()));
    const used = new Set(usedKeys(Bun.YAML.parse(readFileSync(join(FIXTURES, "every-key.yaml"), "utf8"))));
    expect([...declared].filter((key) => !used.has(key))).toEqual([]);
  });

  for (const [name, make] of [["the default manifest", defaultObjects], ["a manifest using every key", () => everyKey()]] as const) {
    test(`${name}: every object validates against the Kubernetes API's OpenAPI schema`, () => {
      const objects = renderBottle(make().input);
      expect(objects.map((object) => object.kind).sort()).toEqual(
        ["ConfigMap", "NetworkPolicy", "NetworkPolicy", "NetworkPolicy", "NetworkPolicy", "PersistentVolumeClaim", "PersistentVolumeClaim", "PersistentVolumeClaim", "Pod", "Pod", "Secret", "Secret", "Service"],
      );
      expect(objects.flatMap(schemaProblems)).toEqual([]);
    });

    test(`${name}: every object carries bottle's labels, and no secret value is rendered`, () => {
      const { input } = make();
      const objects = renderBottle(input);
      for (const object of objects) {
        expect(object.metadata.labels[LABEL.identity]).toBe("claude-abcdefgh");
        expect(object.metadata.labels[LABEL.version]).toBe(VERSION);
        expect(object.metadata.labels[LABEL.owner]).toMatch(/^[0-9a-f]{32}$/);
        expect(object.metadata.labels[LABEL.role]).toBeDefined();
      }
      const text = `${objectsYaml(objects)}${JSON.stringify(objects)}`;
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(GH_HOST);
      for (const secret of objects.filter((object) => object.kind === "Secret")) expect(secret.data).toBeUndefined();
    });

    test(`${name}: both pods: no service-account token, non-root, every capability dropped`, () => {
      const pods = renderBottle(make().input).filter((object): object is KubeObjectOf<"Pod"> => object.kind === "Pod");
      expect(pods.map((pod) => pod.metadata.labels[LABEL.role]).sort()).toEqual(["agent", "gate"]);
      for (const pod of pods) {
        expect(pod.spec!.automountServiceAccountToken).toBe(false);
        expect(pod.spec!.securityContext!.runAsNonRoot).toBe(true);
        expect(pod.spec!.securityContext!.runAsUser).toBeGreaterThan(0);
        for (const container of pod.spec!.containers) {
          expect(container.securityContext!.capabilities!.drop).toEqual(["ALL"]);
          expect(container.securityContext!.allowPrivilegeEscalation).toBe(false);
        }
      }
    });
  }

  test("the gate's Secret is mounted into the gate only; the agent reaches only the gate", () => {
    const { input } = everyKey();
    const objects = renderBottle(input);
    const [gate] = find(objects, "Pod", "gate");
    const [agent] = find(objects, "Pod", "agent");
    expect(JSON.stringify(agent)).not.toContain(input.names.gateSecret);
    expect(JSON.stringify(gate)).toContain(input.names.gateSecret);
    // The route credential and the supervise token by name, the git key as a file only the gate's group reads.
    const bySecret = (key: string) => ({ name: key, valueFrom: { secretKeyRef: { name: input.names.gateSecret, key } } });
    expect(gate!.spec!.containers[0]!.env).toEqual([bySecret("BOTTLE_TEST_TOKEN"), bySecret("BOTTLE_SUPERVISE_TOKEN")]);
    const keys = gate!.spec!.volumes!.find((volume) => volume.name === "keys")!;
    expect(keys.secret).toEqual({ secretName: input.names.gateSecret, defaultMode: 0o440, items: [{ key: "git-app", path: "git-app" }] });
    const [secret] = find(objects, "Secret", "gate");
    expect(secret!.metadata.annotations![SECRET_KEYS_ANNOTATION]).toBe(`BOTTLE_TEST_TOKEN=env:BOTTLE_TEST_TOKEN,git-app=file:${join(KEY_HOME, "keys/deploy")},BOTTLE_SUPERVISE_TOKEN=minted`);
    // The gate's state claim is the gate's alone.
    expect(JSON.stringify(gate)).toContain(input.names.gateState);
    expect(JSON.stringify(agent)).not.toContain(input.names.gateState);

    const policies = find(objects, "NetworkPolicy", "network");
    const deny = policies.find((policy) => policy.metadata.name === input.names.policies.deny)!;
    expect(deny.spec).toEqual({ podSelector: { matchLabels: { [LABEL.identity]: "claude-abcdefgh" } }, policyTypes: ["Ingress", "Egress"] });
    const agentOut = policies.find((policy) => policy.metadata.name === input.names.policies.agentEgress)!;
    expect(agentOut.spec!.egress).toEqual([
      { to: [{ podSelector: { matchLabels: { [LABEL.identity]: "claude-abcdefgh", [LABEL.role]: "gate" } } }], ports: [{ port: 8080, protocol: "TCP" }, { port: 8081, protocol: "TCP" }] },
    ]);
    const gateOut = policies.find((policy) => policy.metadata.name === input.names.policies.gateEgress)!;
    const egress = gateOut.spec!.egress!;
    expect(egress[0]!.ports).toEqual([{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }]);
    // Public addresses on 80, 443, the route's 8443 and the ssh upstream's 22; private ranges only as allow_cidrs names them.
    expect(egress[1]!.ports!.map((port) => port.port)).toEqual([22, 80, 443, 8443]);
    expect(egress[1]!.to![0]!.ipBlock!.except).toContain("10.0.0.0/8");
    expect(egress[2]!.to).toEqual([{ ipBlock: { cidr: "10.1.0.0/16" } }, { ipBlock: { cidr: "fd00:1::/64" } }]);
  });

  test("the agent names the gate through the Service's variable; literal env goes to its own Secret", () => {
    const { input } = everyKey();
    const objects = renderBottle(input);
    const [agent] = find(objects, "Pod", "agent");
    const container = agent!.spec!.containers[0]!;
    const env = Object.fromEntries(container.env!.map(({ name, value }) => [name, value]));
    expect(env.HTTPS_PROXY).toBe("http://$(BOTTLE_CLAUDE_ABCDEFGH_GATE_SERVICE_HOST):8080");
    expect(env.ANTHROPIC_BASE_URL).toBe("http://$(BOTTLE_CLAUDE_ABCDEFGH_GATE_SERVICE_HOST):8080/r/anthropic");
    expect(input.names.service).toBe("bottle-claude-abcdefgh-gate");
    // The literal holding `$(HOME)` is not in `env`, where the kubelet would expand it.
    expect(env.PRICE).toBeUndefined();
    expect(container.envFrom).toEqual([{ secretRef: { name: input.names.agentEnv } }]);
    expect(agent!.spec!.dnsPolicy).toBe("None");
  });

  test("runtime, resources, claims and namespace follow the manifest; the environment overrides the namespace", () => {
    const { input } = everyKey();
    const objects = renderBottle(input);
    for (const pod of objects.filter((object) => object.kind === "Pod")) expect(pod.spec!.runtimeClassName).toBe("gvisor-ptrace");
    const [agent] = find(objects, "Pod", "agent");
    expect(agent!.spec!.containers[0]!.resources).toEqual({ requests: { cpu: "500m", memory: "4Gi" }, limits: { cpu: "500m", memory: "4Gi" } });
    const claims = find(objects, "PersistentVolumeClaim", "volume");
    expect(claims.map((claim) => [claim.metadata.name, claim.spec!.resources!.requests!.storage, claim.spec!.storageClassName])).toEqual([
      [input.names.workspace, "20Gi", "fast-ssd"],
      [input.names.home, "2Gi", "fast-ssd"],
      [input.names.gateState, "1Gi", "fast-ssd"],
    ]);
    expect(new Set(objects.map((object) => object.metadata.namespace))).toEqual(new Set(["agents"]));
    expect(input.target).toMatchObject({ context: "build-cluster", kubeconfig: join(FIXTURES, "kubeconfig") });
    const overridden = everyKey({ BOTTLE_KUBERNETES_NAMESPACE: "elsewhere" }).input;
    expect(new Set(renderBottle(overridden).map((object) => object.metadata.namespace))).toEqual(new Set(["elsewhere"]));
  });

  test("the default bottle names no RuntimeClass and no limits; runsc without runtime_class names gvisor", () => {
    const objects = renderBottle(defaultObjects().input);
    for (const pod of objects.filter((object) => object.kind === "Pod")) expect(pod.spec!.runtimeClassName).toBeUndefined();
    expect(find(objects, "Pod", "agent")[0]!.spec!.containers[0]!.resources).toBeUndefined();
    const { spec } = defaultObjects();
    const runsc = kubernetesInput({ ...spec, bottle: { ...spec.bottle, runtime: "runsc" } }, OPTIONS);
    expect(find(renderBottle(runsc), "Pod", "gate")[0]!.spec!.runtimeClassName).toBe("gvisor");
  });

  test("the YAML is the objects, document by document", () => {
    const objects = renderBottle(everyKey().input);
    const documents = parseAllDocuments(objectsYaml(objects)).map((document) => document.toJS());
    expect(documents).toEqual(JSON.parse(JSON.stringify(objects)));
  });

  test("fillSecret reads the values at launch, base64, and names a missing variable; a minted token is the same in both Secrets", async () => {
    const { input } = everyKey();
    const objects = renderBottle(input);
    const [secret] = find(objects, "Secret", "gate");
    const [agentSecret] = find(objects, "Secret", "agent");
    const minted = { BOTTLE_SUPERVISE_TOKEN: "minted-for-this-launch" };
    const filled = await fillSecret(secret!, input.gate.secrets, { env: HOST_ENV, readFile: async () => new TextEncoder().encode("KEY\n"), minted });
    const b64 = (text: string) => Buffer.from(text).toString("base64");
    expect(filled.data).toEqual({ BOTTLE_TEST_TOKEN: b64(TOKEN), "git-app": b64("KEY\n"), BOTTLE_SUPERVISE_TOKEN: b64("minted-for-this-launch") });
    expect(schemaProblems(filled)).toEqual([]);
    const agentFilled = await fillSecret(agentSecret!, input.agent.secretEnv, { env: HOST_ENV, readFile: async () => new Uint8Array(), minted });
    expect(agentFilled.data!.BOTTLE_SUPERVISE_TOKEN).toBe(b64("minted-for-this-launch"));
    const missing = fillSecret(secret!, input.gate.secrets, { env: {}, readFile: async () => new Uint8Array(), minted });
    await expect(missing).rejects.toThrow("BOTTLE_TEST_TOKEN is not set on the host");
    await expect(fillSecret(secret!, input.gate.secrets, { env: HOST_ENV, readFile: async () => new Uint8Array() })).rejects.toThrow("no value was minted");
  });

  test("the gate's config is the docker gate's: what `bottle gate --config` accepts, its files on the gate's claim and Secret", () => {
    const { input } = everyKey();
    const objects = renderBottle(input);
    const config = gateConfigOf(objects);
    expect(config).toMatchObject({ listen: "0.0.0.0:8080", control: "0.0.0.0:8081", audit: "/var/lib/bottle/audit.jsonl", state: "/var/lib/bottle/gate" });
    // Supervise: requests on the claim, waiting for a person (when_unattended: wait), 10 minutes; the token by name.
    expect(config.supervise).toEqual({ requests: "/var/lib/bottle/requests", token_env: "BOTTLE_SUPERVISE_TOKEN", attended: true, wait_seconds: 45, expire_after_seconds: 600 });
    // Git: the key as the Secret's file, the host key pinned in the config, the https token by name.
    expect(config.git!.map((repo) => [repo.name, repo.key, repo.token])).toEqual([["app", "/run/bottle/git/git-app", undefined], ["tools", undefined, "${BOTTLE_TEST_TOKEN}"]]);
    expect(config.git![0]!.known_hosts).toContain("github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl");
    expect(config.egress.tls?.inspect).toBe(true);
    const [gate] = find(objects, "Pod", "gate");
    const mounts = Object.fromEntries(gate!.spec!.containers[0]!.volumeMounts!.map((mount) => [mount.mountPath, mount.name]));
    expect(mounts).toEqual({ "/etc/bottle": "config", "/run/bottle/git": "keys", "/var/lib/bottle": "state", "/tmp": "tmp" });
    expect(gate!.spec!.containers[0]!.ports!.map((port) => port.containerPort)).toEqual([8080, 8081]);
    // Capped like docker's gate container: one bottle's gate cannot take the node's memory.
    expect(gate!.spec!.containers[0]!.resources).toEqual({ requests: { memory: "128Mi" }, limits: { memory: "1Gi" } });
    const [service] = find(objects, "Service", "gate");
    expect(service!.spec!.ports!.map((port) => port.port)).toEqual([8080, 8081]);
    // ssh refuses a uid without an account: the gate image has one for the pod's uid, whoever built it.
    const uid = gate!.spec!.securityContext!.runAsUser!;
    for (const builder of [0, 1000, uid]) expect(gateAccounts(builder, builder).passwd).toContain(`:x:${uid}:${uid}:`);
    // The default manifest: no supervise, no git, but the audit file on the claim all the same.
    const plain = gateConfigOf(renderBottle(defaultObjects().input));
    expect(plain.audit).toBe("/var/lib/bottle/audit.jsonl");
    expect(plain.supervise).toBeUndefined();
    expect(plain.git).toBeUndefined();
  });

  test("the agent: supervise's URL, git through the gate, and TLS trust in a bundle of its own", () => {
    const { input } = everyKey();
    const [agent] = find(renderBottle(input), "Pod", "agent");
    const container = agent!.spec!.containers[0]!;
    const env = Object.fromEntries(container.env!.map(({ name, value }) => [name, value]));
    const gate = "$(BOTTLE_CLAUDE_ABCDEFGH_GATE_SERVICE_HOST)";
    expect(env.BOTTLE_SUPERVISE_URL).toBe(`http://${gate}:8081/mcp`);
    // The token is the agent Secret's, never in the pod spec.
    expect(env.BOTTLE_SUPERVISE_TOKEN).toBeUndefined();
    expect(input.agent.secretEnv).toContainEqual({ key: "BOTTLE_SUPERVISE_TOKEN", minted: true });
    const rewrites = Object.entries(env).filter(([name]) => name.startsWith("GIT_CONFIG_KEY_")).map(([, value]) => value);
    expect(rewrites).toContain(`url.http://${gate}:8081/git/app.git.insteadOf`);
    for (const name of ["NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "GIT_SSL_CAINFO", "CURL_CA_BUNDLE"]) expect(env[name]).toBe("/var/run/bottle-trust/ca-certificates.crt");
    expect(container.volumeMounts).toContainEqual({ name: "trust", mountPath: "/var/run/bottle-trust" });
    expect(agent!.spec!.volumes).toContainEqual({ name: "trust", emptyDir: {} });
    // By default the bottle inspects, and the gate's config says so; `inspect: false` has none of it.
    const { spec } = defaultObjects();
    const byDefault = renderBottle(kubernetesInput(spec, OPTIONS));
    expect(gateConfigOf(byDefault).egress.tls).toEqual({ inspect: true, passthrough: [] });
    expect(JSON.stringify(find(byDefault, "Pod", "agent")[0])).toContain("bottle-trust");
    const off = renderBottle(kubernetesInput({ ...spec, bottle: { ...spec.bottle, egress: { ...spec.bottle.egress, tls: { inspect: false, passthrough: [] } } } }, OPTIONS));
    expect(gateConfigOf(off).egress.tls).toEqual({ inspect: false, passthrough: [] });
    expect(JSON.stringify(find(off, "Pod", "agent")[0])).not.toContain("bottle-trust");
  });

  test("a local git upstream cannot reach a cluster: refused, naming the repo", async () => {
    const upstream = mkdtempSync(join(tmpdir(), "bottle-kube-local-"));
    mkdirSync(join(upstream, ".git"));
    const git = await planGitGate([{ name: "here", upstream, push: ["bottle/*"], force: false, delete: false, tags: false }], { runner: recordingRunner().runner, manifestDir: KEY_HOME, home: KEY_HOME });
    const { spec } = defaultObjects();
    expect(() => kubernetesInput(spec, { ...OPTIONS, git })).toThrow('bottles.default.git "here": a local upstream cannot reach a Kubernetes cluster');
  });

  test("the schema check fails on what the API would refuse (so its passes mean something)", () => {
    const [gate] = find(renderBottle(defaultObjects().input), "Pod", "gate");
    const typo = structuredClone(gate!) as KubeObjectOf<"Pod">;
    (typo.spec as unknown as Record<string, unknown>).runtimeClass = "gvisor";
    expect(schemaProblems(typo).join("\n")).toContain("/spec/runtimeClass is not a field of V1Pod");
    const quantity = structuredClone(gate!);
    quantity.spec!.containers[0]!.resources = { limits: { memory: "4g" } };
    expect(schemaProblems(quantity).join("\n")).toContain('must match format "quantity"');
    const missing = structuredClone(gate!);
    delete (missing.spec!.containers[0] as { name?: string }).name;
    expect(schemaProblems(missing).join("\n")).toContain("must have required property name");
    const [policy] = find(renderBottle(defaultObjects().input), "NetworkPolicy", "network");
    const clientName = structuredClone(policy!) as unknown as Record<string, Record<string, unknown>>;
    clientName.spec!.ingress = [{ _from: [] }];
    expect(schemaProblems(clientName as unknown as KubeObject).join("\n")).toContain("_from is not a field");
  });
});
