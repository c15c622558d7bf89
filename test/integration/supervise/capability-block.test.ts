import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, expect, test } from "bun:test";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { processRunner } from "../../../src/core/runner.ts";
import { describeEngine } from "../../helpers/engine.ts";
import { bottle, cliWorld, tearDownWorld, type CliWorld } from "../backend/docker/cli.ts";

/** A Debian agent image (the local base: nothing is pulled) with apt, running as `agent`. */
const AGENT_DOCKERFILE = "FROM bottle-base:bookworm\nRUN useradd --create-home --uid 1000 agent\nUSER agent\nWORKDIR /workspace\n";
/** What the agent proposes: the image it runs on, plus jq. */
const PROPOSED = "ARG BOTTLE_IMAGE\nFROM ${BOTTLE_IMAGE}\nUSER root\nRUN apt-get update && apt-get install -y --no-install-recommends jq && rm -rf /var/lib/apt/lists/*\nUSER agent\n";

const manifest = (supervise: string) =>
  `version: 1\nagents:\n  deb:\n    image: { dockerfile: ./image/agent.Dockerfile }\n    command: [sh, -c]\nbottles:\n  default:\n    egress: {}\n    supervise: ${supervise}\n`;

let world: CliWorld | undefined;
let identity = "";
const clients: Client[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => {})));
  if (world === undefined) return;
  await tearDownWorld(world);
  // The images this test made: the manifest's agent image and the bottle's own.
  const images = await processRunner.run(["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "reference=bottle-agent-deb", "--filter", `reference=bottle-agent-${identity}`], { check: false });
  const refs = images.stdout.split("\n").filter((ref) => ref !== "");
  if (refs.length > 0) await processRunner.run(["docker", "image", "rm", ...refs], { check: false });
}, 180_000);

/** The agent's view of the supervise server: its env, reached from the host on the gate's egress address. */
async function agentClient(id: string): Promise<{ client: Client; url: string }> {
  const env = await processRunner.run(["docker", "exec", `${id}-agent`, "printenv", "BOTTLE_SUPERVISE_URL", "BOTTLE_SUPERVISE_TOKEN"]);
  const [url = "", token = ""] = env.stdout.trim().split("\n");
  const inspect = await processRunner.run(["docker", "inspect", "--format", `{{(index .NetworkSettings.Networks "${id}-egress").IPAddress}}`, `${id}-gate`]);
  const client = new Client({ name: "test-agent", version: "1" });
  const reachable = new URL(url);
  reachable.hostname = inspect.stdout.trim();
  await client.connect(new StreamableHTTPClientTransport(reachable, { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  clients.push(client);
  return { client, url };
}

const toolJson = (result: unknown) => JSON.parse((result as { content: { text: string }[] }).content[0]!.text) as Record<string, unknown>;

async function pendingId(target: CliWorld): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const pending = JSON.parse((await bottle(target, ["requests", "--json"])).stdout || "[]") as { id: string }[];
    if (pending.length > 0) return pending[0]!.id;
    await Bun.sleep(100);
  }
  throw new Error("no request arrived");
}

describeEngine("supervise on docker: the capability block, end to end", () => {
  test("an approved Dockerfile blocks the bottle; resume builds it (once) and the package is there, workspace, home and approvals kept", async () => {
    world = await cliWorld();
    // In a folder of its own: the build context is the Dockerfile's folder, keyed by its files.
    await mkdir(join(world.root, "image"));
    await writeFile(join(world.root, "image", "agent.Dockerfile"), AGENT_DOCKERFILE);
    // CI is set (no one at this terminal): `wait` lets requests wait for a person anyway.
    await writeFile(world.manifest, manifest("{ when_unattended: wait }"));
    const started = await bottle(world, ["start", "deb", "--detach", "--cwd", "--json"]);
    expect({ code: started.exitCode, stderr: started.stderr }).toMatchObject({ code: 0 });
    identity = (JSON.parse(started.stdout) as { identity: string }).identity;
    await processRunner.run(["docker", "exec", `${identity}-agent`, "sh", "-c", 'echo kept > "$HOME/note.txt"']);

    const { client, url } = await agentClient(identity);
    expect(url).toBe(`http://${identity}-gate:8081/mcp`);
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain("propose-dockerfile");

    // A session approval first: resume must keep it.
    const asked = client.callTool({ name: "request-egress", arguments: { host: "mirror.example.org", justification: "packages" } });
    expect((await bottle(world, ["approve", await pendingId(world)])).exitCode).toBe(0);
    expect(toolJson(await asked).status).toBe("approved");

    const proposed = client.callTool({ name: "propose-dockerfile", arguments: { dockerfile: PROPOSED, justification: "the task parses JSON with jq" } });
    const id = await pendingId(world);
    const approved = await bottle(world, ["approve", id]);
    expect({ code: approved.exitCode, stderr: approved.stderr }).toMatchObject({ code: 0 });
    expect(approved.stderr).toContain(`${identity} is stopped (blocked)`);
    expect(String(toolJson(await proposed).message)).toContain("the bottle stops now");

    const listed = JSON.parse((await bottle(world, ["list", "--json"])).stdout) as { identity: string; status: string; note?: string }[];
    expect(listed[0]).toMatchObject({ identity, status: "blocked" });
    expect(listed[0]!.note).toContain("the task parses JSON with jq");

    const resumed = await bottle(world, ["resume", identity, "--prompt", 'jq --version && cat /workspace/README.md && cat "$HOME/note.txt"']);
    expect({ code: resumed.exitCode, stderr: resumed.stderr }).toMatchObject({ code: 0 });
    expect(resumed.stderr).toContain(`building the agent image bottle-agent-${identity}:`);
    expect(resumed.stdout).toContain("jq-1.6");
    expect(resumed.stdout).toContain("# a project");
    expect(resumed.stdout).toContain("kept");
    const after = JSON.parse((await bottle(world, ["list", "--json"])).stdout) as { status: string }[];
    expect(after[0]!.status).not.toBe("blocked");

    // Content-keyed: a second resume reuses the bottle's image; the session approval is still there.
    const again = await bottle(world, ["resume", identity, "--detach"]);
    expect({ code: again.exitCode, stderr: again.stderr }).toMatchObject({ code: 0 });
    expect(again.stderr).not.toContain("building the agent image");
    const { client: resumedClient } = await agentClient(identity);
    const listedEgress = toolJson(await resumedClient.callTool({ name: "list-egress", arguments: {} }));
    expect(listedEgress.approved_this_bottle).toEqual(["mirror.example.org"]);
    expect((await processRunner.run(["docker", "exec", `${identity}-agent`, "jq", "--version"])).stdout).toContain("jq-1.6");

    // The manifest now says `supervise: true`: under CI no one can attend, so a request is denied at once.
    await bottle(world, ["stop", identity]);
    await writeFile(world.manifest, manifest("true"));
    expect((await bottle(world, ["resume", identity, "--detach"])).exitCode).toBe(0);
    const { client: ciClient } = await agentClient(identity);
    const denied = toolJson(await ciClient.callTool({ name: "request-egress", arguments: { host: "other.example.org", justification: "in CI" } }));
    expect(denied.status).toBe("denied");
    expect(String(denied.note)).toContain("no one can approve");
  }, 600_000);
});
