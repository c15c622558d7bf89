import { describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gateTls } from "../../../../src/manifest/tls-schema.ts";
import { prepare } from "../../../../src/backend/smolmachines/prepare.ts";
import { GUEST_CA_BUNDLE } from "../../../../src/backend/smolmachines/smol-plan.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { AGENT_TRUST_ENV } from "../../../../src/gate/tls/agent-trust.ts";
import { defaultBottle } from "../../../../src/manifest/default-manifest.ts";
import type { GitRepo } from "../../../../src/manifest/schema.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";
import { testSpec } from "../../../helpers/start-spec.ts";

const env = { HOME: "/home/u", BOTTLE_TEST_GIT_TOKEN: "bottle-git-token-secret-value" };
const deps = () => {
  const { runner, calls } = recordingRunner();
  return { calls, deps: { runner, paths: bottlePaths(env), env, settings: {}, log: () => {} } };
};
const repo = (name: string, upstream: string, extra: Partial<GitRepo> = {}): GitRepo => ({ name, upstream, push: ["bottle/*"], force: false, delete: false, tags: false, ...extra });

describe("smolmachines: the gate's services reach the guest", () => {
  test("TLS inspection is planned, not refused: the guest's trust variables name its own bundle", async () => {
    const egress = { ...defaultBottle().egress, routes: [], tls: { inspect: true, passthrough: [] } };
    const spec = testSpec({ manifestDir: "/tmp", agent: { image: "bottle-agent:test" }, bottle: { egress } });
    const { deps: d } = deps();
    const plan = await prepare(spec, d);
    const create = plan.commands.find((argv) => argv.slice(0, 3).join(" ") === "smolvm machine create")!.join(" ");
    for (const key of Object.keys(AGENT_TRUST_ENV)) expect(create).toContain(`-e ${key}=${GUEST_CA_BUNDLE}`);
  });

  test("the gate inspects exactly when the guest is given the CA: both follow one decision", async () => {
    for (const tls of [undefined, { inspect: false, passthrough: [] }, { inspect: true, passthrough: ["*.apple.com"] }]) {
      const egress = { ...defaultBottle().egress, routes: [], ...(tls === undefined ? {} : { tls }) };
      const spec = testSpec({ manifestDir: "/tmp", agent: { image: "bottle-agent:test" }, bottle: { egress } });
      const plan = await prepare(spec, deps().deps);
      const create = plan.commands.find((argv) => argv.slice(0, 3).join(" ") === "smolvm machine create")!.join(" ");
      const gate = gateTls(spec.bottle.egress);
      expect(gate.passthrough).toEqual(tls?.passthrough ?? []);
      // A trust variable naming a bundle that is never written would break every HTTPS client in the guest.
      for (const key of Object.keys(AGENT_TRUST_ENV)) expect(create.includes(`-e ${key}=${GUEST_CA_BUNDLE}`)).toBe(gate.inspect);
      for (const key of Object.keys(AGENT_TRUST_ENV)) if (!gate.inspect) expect(create).not.toContain(`-e ${key}=`);
      // By default (no tls key), inspection: the guest gets the CA.
      expect(gate.inspect).toBe(tls?.inspect !== false);
    }
  });

  test("git repos: the control port is published, the gate gets its mounts and tokens by name, the guest the insteadOf rewrite", async () => {
    const root = await mkdtemp(join(tmpdir(), "smol-git-plan-"));
    const local = join(root, "app.git");
    await mkdir(local);
    await writeFile(join(local, "HEAD"), "ref: refs/heads/main\n");
    const spec = testSpec({
      manifestDir: root,
      env,
      agent: { image: "bottle-agent:test" },
      bottle: {
        egress: { ...defaultBottle().egress, routes: [] },
        git: [repo("app", local), repo("site", "https://git.example.test/org/site.git", { token: "${BOTTLE_TEST_GIT_TOKEN}", push: [] })],
      },
    });
    const { deps: d, calls } = deps();
    const plan = await prepare(spec, d);
    expect(calls.map((call) => call.argv.slice(0, 3).join(" "))).toEqual(calls.map(() => "docker image inspect"));
    const lines = plan.commands.map((argv) => argv.join(" "));
    const gate = lines.find((line) => line.startsWith("docker run --detach --name"))!;
    expect(gate).toContain("--publish 127.0.0.1::8081");
    expect(gate).toContain(`--volume ${local}:/srv/bottle/git/app.git`);
    expect(gate).toContain("--volume /home/u/.local/state/bottle/");
    expect(gate).toContain("/gate-state:/var/lib/bottle/gate");
    expect(gate).toContain("--tmpfs /tmp:rw,exec,nosuid,nodev,mode=1777");
    expect(gate).toContain("--env BOTTLE_TEST_GIT_TOKEN ");
    expect(lines).toContain(`docker port ${spec.identity}-gate 8081/tcp`);
    const create = plan.commands.find((argv) => argv.slice(0, 3).join(" ") === "smolvm machine create")!;
    const pairs = Object.fromEntries(create.flatMap((arg, index) => (create[index - 1] === "-e" ? [arg.split(/=(.*)/s).slice(0, 2) as [string, string]] : [])));
    expect(pairs.GIT_CONFIG_COUNT).toBe("4");
    expect(pairs.GIT_CONFIG_KEY_0).toBe("url.http://100.96.0.1:<control-port>/git/app.git.insteadOf");
    expect(pairs.GIT_CONFIG_VALUE_0).toBe(local);
    expect(pairs.GIT_CONFIG_KEY_2).toBe("url.http://100.96.0.1:<control-port>/git/site.git.insteadOf");
    expect(pairs.GIT_CONFIG_VALUE_2).toBe("https://git.example.test/org/site.git");
    // The gate is exempt from the proxy: git talks to it directly.
    expect(pairs.NO_PROXY?.split(",")).toContain("100.96.0.1");
    // The token stays a name: never in the plan.
    expect(JSON.stringify(plan)).not.toContain("bottle-git-token-secret-value");
  });

  test("supervise and git together publish the control port once, for both", async () => {
    const root = await mkdtemp(join(tmpdir(), "smol-git-plan-"));
    await mkdir(join(root, "app.git"));
    await writeFile(join(root, "app.git", "HEAD"), "ref: refs/heads/main\n");
    const spec = testSpec({
      manifestDir: root,
      agent: { image: "bottle-agent:test" },
      bottle: { egress: { ...defaultBottle().egress, routes: [] }, supervise: true, git: [repo("app", `file://${join(root, "app.git")}`)] },
    });
    const plan = await prepare(spec, deps().deps);
    const gate = plan.commands.find((argv) => argv.slice(0, 3).join(" ") === "docker run --detach")!;
    expect(gate.filter((arg) => arg === "127.0.0.1::8081")).toHaveLength(1);
    expect(plan.commands.filter((argv) => argv.join(" ") === `docker port ${spec.identity}-gate 8081/tcp`)).toHaveLength(1);
  });

  test("a git token whose host variable is unset fails at plan time", async () => {
    const spec = testSpec({
      manifestDir: "/tmp",
      agent: { image: "bottle-agent:test" },
      bottle: { egress: { ...defaultBottle().egress, routes: [] }, git: [repo("site", "https://git.example.test/site.git", { token: "${BOTTLE_UNSET_TOKEN}" })] },
    });
    await expect(prepare(spec, deps().deps)).rejects.toThrow("host variable BOTTLE_UNSET_TOKEN is not set");
  });
});
