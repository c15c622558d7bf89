import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { processRunner } from "../../../src/core/runner.ts";
import { describeEngine } from "../../helpers/engine.ts";
import { disposeWorld, smolWorld, type SmolWorld } from "../backend/smolmachines/fixtures.ts";

const MAIN = join(import.meta.dir, "../../../src/cli/main.ts");

/** The guest's own MCP call: curl with its env's URL and token, as an agent without an MCP client would. */
const TOOLS_LIST =
  'curl -s -X POST "$BOTTLE_SUPERVISE_URL" -H "authorization: Bearer $BOTTLE_SUPERVISE_TOKEN" -H "content-type: application/json" ' +
  `-H "accept: application/json, text/event-stream" -d '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'; echo; ` +
  'echo "url=$BOTTLE_SUPERVISE_URL"; curl -s -o /dev/null -w "without token %{http_code}\\n" -X POST "$BOTTLE_SUPERVISE_URL" -d "{}"';

describeEngine("supervise on smolmachines (fake smolvm, real gate container)", () => {
  let world: SmolWorld;
  let env: Record<string, string>;
  let project: string;
  beforeAll(async () => {
    world = await smolWorld();
    project = join(world.root, "project");
    await mkdir(project, { recursive: true });
    const manifest = join(world.root, "bottle.yaml");
    await writeFile(manifest, `version: 1\nagents:\n  smol:\n    image: { dockerfile: ${world.dockerfile} }\n    command: [sh, -c]\nbottles:\n  default:\n    egress: {}\n    supervise: true\n`);
    env = Object.fromEntries(Object.entries({ ...world.env, XDG_STATE_HOME: join(world.root, "cli-state"), BOTTLE_MANIFEST: manifest }).filter((e): e is [string, string] => e[1] !== undefined));
  }, 300_000);
  afterAll(async () => {
    await processRunner.run([process.execPath, MAIN, "cleanup", "--all", "--yes"], { env, cwd: project, check: false });
    await disposeWorld(world);
  });

  test("the guest reaches the gate's MCP server with the URL and token in its env; without the token it gets 401", async () => {
    const started = await processRunner.run([process.execPath, MAIN, "start", "smol", "--backend", "smolmachines", "--yes", "--prompt", TOOLS_LIST], { env, cwd: project, check: false, timeoutMs: 240_000 });
    expect({ code: started.exitCode, stderr: started.stderr.split("\n").slice(-15).join("\n") }).toMatchObject({ code: 0 });
    expect(started.stdout).toContain('"name":"request-egress"');
    expect(started.stdout).toMatch(/url=http:\/\/100\.96\.0\.1:\d+\/mcp/);
    expect(started.stdout).toContain("without token 401");
  }, 300_000);

  test("capability block: an approved Dockerfile stops the bottle as blocked; resume packs the bottle's own image", async () => {
    const manifest = env.BOTTLE_MANIFEST!;
    await writeFile(manifest, `version: 1\nagents:\n  smol:\n    image: { dockerfile: ${world.dockerfile} }\n    command: [sh, -c]\nbottles:\n  default:\n    egress: {}\n    supervise: { when_unattended: wait }\n`);
    const run = (args: string[]) => processRunner.run([process.execPath, MAIN, ...args], { env, cwd: project, check: false, timeoutMs: 240_000 });
    const started = await run(["start", "smol", "--backend", "smolmachines", "--yes", "--detach", "--json"]);
    expect({ code: started.exitCode, stderr: started.stderr.split("\n").slice(-10).join("\n") }).toMatchObject({ code: 0 });
    const { identity } = JSON.parse(started.stdout) as { identity: string };
    const dockerfile = "ARG BOTTLE_IMAGE\nFROM ${BOTTLE_IMAGE}\nUSER 0\nRUN echo added-by-approval > /etc/approved.txt\nUSER 1000:1000\n";
    const call = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "propose-dockerfile", arguments: { dockerfile, justification: "needs a file" } } });
    // The guest proposes it, as an agent would, and waits for the answer.
    const asking = processRunner.start(
      [process.execPath, MAIN, "shell", identity, "--", "sh", "-c", `curl -s -X POST "$BOTTLE_SUPERVISE_URL" -H "authorization: Bearer $BOTTLE_SUPERVISE_TOKEN" -H "content-type: application/json" -H "accept: application/json, text/event-stream" --data-binary @-`],
      { env, cwd: project, check: false, stdin: call },
    );
    let id = "";
    for (let attempt = 0; attempt < 200 && id === ""; attempt++) {
      id = (JSON.parse((await run(["requests", "--json"])).stdout || "[]") as { id: string }[])[0]?.id ?? "";
      if (id === "") await Bun.sleep(100);
    }
    expect(id).not.toBe("");
    const approved = await run(["approve", id]);
    expect({ code: approved.exitCode, stderr: approved.stderr }).toMatchObject({ code: 0 });
    expect((await asking.exited).stdout).toContain("the bottle stops now");
    const listed = JSON.parse((await run(["list", "--json"])).stdout) as { identity: string; status: string }[];
    expect(listed.find((entry) => entry.identity === identity)?.status).toBe("blocked");
    const resumed = await run(["resume", identity, "--prompt", "cat /etc/approved.txt"]);
    expect({ code: resumed.exitCode, stderr: resumed.stderr.split("\n").slice(-10).join("\n") }).toMatchObject({ code: 0 });
    expect(resumed.stdout).toContain("added-by-approval");
    const images = await processRunner.run(["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", `reference=bottle-agent-${identity}`]);
    if (images.stdout.trim() !== "") await processRunner.run(["docker", "image", "rm", ...images.stdout.trim().split("\n")], { check: false });
  }, 300_000);
});
