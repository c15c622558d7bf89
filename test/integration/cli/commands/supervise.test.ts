import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { blockReason, curl, startRecordingOrigin } from "../../gate/harness.ts";
import { superviseWorld, toolJson, waitForPending, type SuperviseWorld } from "../../gate/services/supervise/harness.ts";
import { openTerminal, shellQuote, tmuxAvailable, type Terminal } from "../tmux.ts";

const ROOT = join(import.meta.dir, "../../../..");
const hasTmux = await tmuxAvailable();

setDefaultTimeout(60_000);

describe.skipIf(!hasTmux)("bottle supervise, in a real terminal (tmux)", () => {
  const origin = startRecordingOrigin();
  let world: SuperviseWorld;
  let terminal: Terminal;
  beforeAll(async () => {
    world = await superviseWorld({ allow_cidrs: ["127.0.0.0/8"] }, { wait_seconds: 30 });
    // A person's terminal: no CI, this world's state folder.
    terminal = await openTerminal(
      `env -u CI XDG_STATE_HOME=${shellQuote(world.stateHome)} ${shellQuote(process.execPath)} ${shellQuote(join(ROOT, "src/cli/main.ts"))} supervise`,
    );
    await terminal.waitFor("waiting for requests");
  });
  afterAll(async () => {
    await terminal.close();
    await world[Symbol.asyncDispose]();
    origin.server.stop(true);
  });

  test("a live request shows up with its justification; Approve once lets the host through at once", async () => {
    const client = await world.connect();
    const target = `http://live.gate.test:${origin.server.port}/x`;
    expect((await curl(["-x", world.proxy, target])).status).toBe(403);
    const call = client.callTool({ name: "request-egress", arguments: { host: "live.gate.test", justification: "the changelog lives there", failed_url: target } });
    const screen = await terminal.waitFor("Decide req-");
    expect(screen).toContain("egress to live.gate.test");
    expect(screen).toContain("the changelog lives there");
    expect(screen).toContain(world.identity);
    await terminal.keys("Enter");
    await terminal.waitFor(/approved req-[a-z2-7]+: egress to live\.gate\.test/);
    expect(toolJson(await call).status).toBe("approved");
    expect((await curl(["-x", world.proxy, target])).status).toBe(200);
  });

  test("Deny takes a note, which the agent gets; the host stays refused", async () => {
    const client = await world.connect();
    const call = client.callTool({ name: "request-egress", arguments: { host: "no.gate.test", justification: "curious" } });
    await terminal.waitFor(/Decide req-[a-z2-7]+\s[\s\S]*Skip for now/);
    // Approve once, Approve and save, Deny.
    await terminal.keys("Down", "Down", "Enter");
    await terminal.waitFor("A note for the agent");
    await terminal.keys("not for this task", "Enter");
    await terminal.waitFor(/denied req-[a-z2-7]+: egress to no\.gate\.test/);
    expect(toolJson(await call)).toMatchObject({ status: "denied", note: "not for this task" });
    const refused = await curl(["-x", world.proxy, `http://no.gate.test:${origin.server.port}/`]);
    expect(blockReason(refused)).toBe("not-allowed");
  });

  test("a request decided elsewhere while on screen is taken off it", async () => {
    const client = await world.connect();
    const call = client.callTool({ name: "request-egress", arguments: { host: "other.gate.test", justification: "decided by the CLI" } });
    const id = String((await waitForPending(world)).id);
    await terminal.waitFor(new RegExp(`Decide ${id}[\\s\\S]*Skip for now`));
    expect((await world.bottle(["approve", id])).exitCode).toBe(0);
    await terminal.waitFor(`${id} was approved elsewhere`);
    expect(toolJson(await call).status).toBe("approved");
  });

  test("a proposed Dockerfile shows as a diff against the one the bottle runs on; Skip leaves it pending", async () => {
    const stateDir = join(world.stateHome, "bottle", world.identity);
    await mkdir(stateDir, { recursive: true });
    await writeFile(join(stateDir, "metadata.json"), JSON.stringify({ spec: { bottleName: "default", manifestDir: stateDir, agent: { image: { dockerfile: "agent.Dockerfile" } } } }));
    await writeFile(join(stateDir, "agent.Dockerfile"), "FROM bottle-base:bookworm\nUSER agent\n");
    const client = await world.connect();
    const call = client.callTool({ name: "propose-dockerfile", arguments: { dockerfile: "FROM bottle-base:bookworm\nUSER root\nRUN apt-get install -y jq\nUSER agent\n", justification: "the task parses JSON" } });
    const id = String((await waitForPending(world)).id);
    const screen = await terminal.waitFor(new RegExp(`Decide ${id}[\\s\\S]*Skip for now`));
    expect(screen).toContain("a new Dockerfile");
    expect(screen).toContain("Dockerfile, current → proposed");
    expect(screen).toMatch(/\+ RUN apt-get install -y jq/);
    expect(screen).toMatch(/  FROM bottle-base:bookworm/);
    expect(screen.slice(screen.lastIndexOf(`Decide ${id}`))).not.toContain("Approve and save");
    // Approve once, Deny, Skip for now.
    await terminal.keys("Down", "Down", "Enter");
    await terminal.waitFor(/waiting for requests…[^]*$/);
    expect((await world.bottle(["requests", "--json"])).stdout).toContain(id);
    expect((await world.bottle(["deny", id, "--reason", "use jq from npm"])).exitCode).toBe(0);
    expect(toolJson(await call)).toMatchObject({ status: "denied", note: "use jq from npm" });
  });

  test("escape sequences in what the agent wrote are shown, not obeyed", async () => {
    const client = await world.connect();
    const call = client.callTool({ name: "request-egress", arguments: { host: "ansi.gate.test", justification: "x\u001b[2J\u001b[Happroved req-fake: egress to everything" } });
    const id = String((await waitForPending(world)).id);
    const screen = await terminal.waitFor(new RegExp(`Decide ${id}[\\s\\S]*Skip for now`));
    expect(screen).toContain("x\\u001b[2J\\u001b[Happroved req-fake");
    expect((await world.bottle(["requests"])).stdout).toContain("\\u001b[2J");
    expect((await world.bottle(["deny", id])).exitCode).toBe(0);
    expect(toolJson(await call).status).toBe("denied");
  });

  test("Approve and save writes the host into the bottle's manifest, comments kept", async () => {
    const stateDir = join(world.stateHome, "bottle", world.identity);
    const manifestFile = join(world.stateHome, "..", "saved.yaml");
    const text = "version: 1\nagents:\n  claude: {}\nbottles:\n  default:\n    egress:\n      allow: [first.gate.test]   # keep me\n";
    await writeFile(manifestFile, text);
    await mkdir(stateDir, { recursive: true });
    await writeFile(join(stateDir, "metadata.json"), JSON.stringify({ spec: { bottleName: "default", manifestFile, manifestDir: stateDir, agent: { image: "default" } } }));
    const client = await world.connect();
    const call = client.callTool({ name: "request-egress", arguments: { host: "keep.gate.test", justification: "every session" } });
    const id = String((await waitForPending(world)).id);
    await terminal.waitFor(new RegExp(`Decide ${id}[\\s\\S]*Skip for now`));
    // Approve once, Approve and save.
    await terminal.keys("Down", "Enter");
    await terminal.waitFor(`(saved to ${manifestFile})`);
    expect(toolJson(await call).status).toBe("approved");
    expect(await readFile(manifestFile, "utf8")).toBe(text.replace("[first.gate.test]", "[first.gate.test, keep.gate.test]"));
  });

  test("Ctrl-C leaves (exit 130)", async () => {
    await terminal.keys("C-c");
    await terminal.waitFor("[exit 130]");
  });
});
