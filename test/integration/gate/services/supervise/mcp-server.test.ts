import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { blockReason, curl, startRecordingOrigin } from "../../harness.ts";
import { superviseWorld, toolJson, waitForPending, type SuperviseWorld } from "./harness.ts";

const origin = startRecordingOrigin();
const originPort = origin.server.port;
afterAll(() => origin.server.stop(true));

/** Plain HTTP through the gate to the recording origin under a test name. */
const fetchThrough = (world: SuperviseWorld, host: string) => curl(["-x", world.proxy, `http://${host}:${originPort}/hello`]);

describe("the supervise MCP server, through the MCP SDK's own client", () => {
  let world: SuperviseWorld;
  beforeAll(async () => {
    world = await superviseWorld(
      {
        allow: ["allowed.gate.test"],
        deny: ["evil.gate.test"],
        allow_cidrs: ["127.0.0.0/8"],
        routes: [
          { name: "api", upstream: `http://api.gate.test:${originPort}/v1`, inject: { header: "authorization", value: "Bearer ${API_SECRET}" } },
          { name: "legacy", upstream: `http://olduser:oldpass@legacy.gate.test:${originPort}/base?key=querysecret` },
        ],
      },
      {},
      { API_SECRET: "s3cret-value-the-agent-never-sees" },
    );
  });
  afterAll(() => world[Symbol.asyncDispose]());

  test("lists its four tools", async () => {
    const client = await world.connect();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(["list-egress", "propose-dockerfile", "request-egress", "request-status"]);
    const requestEgress = tools.find((tool) => tool.name === "request-egress")!;
    expect(requestEgress.inputSchema.required).toEqual(expect.arrayContaining(["host", "justification"]));
  });

  test("a wrong or missing token gets nothing (401), not even the tool list", async () => {
    await expect(world.connect("not-the-token")).rejects.toMatchObject({ code: 401 });
    const bare = await fetch(world.mcpUrl, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) });
    expect(bare.status).toBe(401);
  });

  test("list-egress shows hosts and routes by name and host, never a secret value", async () => {
    const client = await world.connect();
    const result = await client.callTool({ name: "list-egress", arguments: {} });
    const text = JSON.stringify(result);
    expect(text).not.toContain("s3cret-value");
    expect(text).not.toContain("API_SECRET");
    for (const leak of ["oldpass", "olduser", "querysecret"]) expect(text).not.toContain(leak);
    const listed = toolJson(result);
    expect(listed.allow).toEqual(["allowed.gate.test"]);
    expect(listed.deny).toEqual(["evil.gate.test"]);
    expect(listed.routes).toEqual([
      { name: "api", host: "api.gate.test", path: "/r/api/", upstream_path: "/v1" },
      { name: "legacy", host: "legacy.gate.test", path: "/r/legacy/", upstream_path: "/base" },
    ]);
  });

  test("request-egress → pending → `bottle approve` → approved, and the host answers through the gate", async () => {
    const before = await fetchThrough(world, "new.gate.test");
    expect(before.status).toBe(403);
    expect(blockReason(before)).toBe("not-allowed");

    const client = await world.connect();
    const progress: number[] = [];
    const call = client.callTool(
      { name: "request-egress", arguments: { host: "new.gate.test", justification: "the tests download fixtures from it", failed_url: `http://new.gate.test:${originPort}/hello` } },
      undefined,
      { onprogress: (update) => progress.push(update.progress), resetTimeoutOnProgress: true },
    );
    const pending = await waitForPending(world);
    expect(pending).toMatchObject({ bottle: world.identity, tool: "request-egress", justification: "the tests download fixtures from it", status: "pending" });
    expect((pending.arguments as Record<string, unknown>).host).toBe("new.gate.test");

    const approved = await world.bottle(["approve", String(pending.id), "--note", "fine for fixtures"]);
    expect(approved.stderr).toContain(`approved ${pending.id}: egress to new.gate.test for ${world.identity}`);
    expect(approved.exitCode).toBe(0);

    const answer = toolJson(await call);
    expect(answer).toMatchObject({ id: pending.id, status: "approved", note: "fine for fixtures" });
    // The policy was rebuilt before the answer went out: the very next request passes.
    const after = await fetchThrough(world, "new.gate.test");
    expect(after.status).toBe(200);
    expect(after.body).toContain("origin saw GET /hello");

    const status = toolJson(await client.callTool({ name: "request-status", arguments: { id: String(pending.id) } }));
    expect(status.status).toBe("approved");
    const lines = (await world.auditLines()).filter((line) => (line.supervise as { request?: string } | undefined)?.request === pending.id);
    expect(lines.map((line) => line.reason)).toEqual(["supervise:requested", "supervise:approved"]);
    expect(lines[1]).toMatchObject({ decision: "allow", host: "new.gate.test", supervise: { by: "person", note: "fine for fixtures" } });
  });

  test("a call that hears nothing answers pending with its id; request-status picks it up (progress along the way)", async () => {
    await using short = await superviseWorld({ allow_cidrs: ["127.0.0.0/8"] }, { wait_seconds: 1 });
    const client = await short.connect();
    const progress: number[] = [];
    const first = toolJson(await client.callTool({ name: "request-egress", arguments: { host: "later.gate.test", justification: "needed later" } }, undefined, { onprogress: (update) => progress.push(update.progress) }));
    expect(first.status).toBe("pending");
    expect(String(first.message)).toContain("request-status");
    expect(progress.length).toBeGreaterThan(0);
    expect((await short.bottle(["approve", String(first.id).slice(0, 8)])).exitCode).toBe(0);
    const later = toolJson(await client.callTool({ name: "request-status", arguments: { id: String(first.id) } }));
    expect(later.status).toBe("approved");
  });

  test("`bottle deny --reason` reaches the agent, and the host stays refused (403)", async () => {
    const client = await world.connect();
    const call = client.callTool({ name: "request-egress", arguments: { host: "nope.gate.test", justification: "want it" } });
    const pending = await waitForPending(world);
    const denied = await world.bottle(["deny", String(pending.id), "--reason", "use the mirror instead"]);
    expect(denied.exitCode).toBe(0);
    expect(toolJson(await call)).toMatchObject({ status: "denied", note: "use the mirror instead" });
    const after = await fetchThrough(world, "nope.gate.test");
    expect(after.status).toBe(403);
    expect(blockReason(after)).toBe("not-allowed");
    // The first decision stands: approving a denied request is refused and changes nothing.
    const late = await world.bottle(["approve", String(pending.id)]);
    expect(late.exitCode).toBe(1);
    expect(late.stderr).toContain("denied already");
    expect((await fetchThrough(world, "nope.gate.test")).status).toBe(403);
  });

  test("`bottle approve --save` also adds the host to the bottle's egress.allow, keeping the manifest's comments", async () => {
    const manifestFile = join(world.stateHome, "..", "bottle.yaml");
    const text = "# team bottle\nversion: 1\nagents:\n  claude: {}  # the agent\nbottles:\n  default:\n    egress:\n      allow:\n        - allowed.gate.test   # from day one\n      allow_cidrs: [127.0.0.0/8]\n";
    await writeFile(manifestFile, text);
    const stateDir = join(world.stateHome, "bottle", world.identity);
    await mkdir(stateDir, { recursive: true });
    await writeFile(join(stateDir, "metadata.json"), JSON.stringify({ identity: world.identity, spec: { bottleName: "default", manifestFile } }));
    const client = await world.connect();
    const call = client.callTool({ name: "request-egress", arguments: { host: "saved.gate.test", justification: "every session needs it" } });
    const pending = await waitForPending(world);
    const approved = await world.bottle(["approve", String(pending.id), "--save"]);
    expect(approved.exitCode).toBe(0);
    expect(approved.stderr).toContain(`saved to ${manifestFile}`);
    expect(toolJson(await call).status).toBe("approved");
    expect(await readFile(manifestFile, "utf8")).toBe(text.replace("# from day one\n", "# from day one\n        - saved.gate.test\n"));
    expect((await fetchThrough(world, "saved.gate.test")).status).toBe(200);
  });

  test("propose-dockerfile: a Dockerfile that does not parse is refused before anyone is asked", async () => {
    const client = await world.connect();
    const result = await client.callTool({ name: "propose-dockerfile", arguments: { dockerfile: "apt-get install jq\n", justification: "jq" } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result)).toContain("not a Dockerfile instruction");
    expect(JSON.parse((await world.bottle(["requests", "--json"])).stdout)).toEqual([]);
  });

  test("propose-dockerfile → `bottle approve` records the Dockerfile (0600) and blocks the bottle; the agent hears so first", async () => {
    const client = await world.connect();
    const dockerfile = "ARG BOTTLE_IMAGE\nFROM ${BOTTLE_IMAGE}\nUSER root\nRUN apt-get install -y jq\nUSER agent\n";
    const call = client.callTool({ name: "propose-dockerfile", arguments: { dockerfile, justification: "the task parses JSON" } });
    const pending = await waitForPending(world);
    expect(pending.tool).toBe("propose-dockerfile");
    const approved = await world.bottle(["approve", String(pending.id)]);
    expect(approved.exitCode).toBe(0);
    expect(approved.stderr).toContain(`approved ${pending.id}: a new Dockerfile for ${world.identity}`);
    const answer = toolJson(await call);
    expect(answer.status).toBe("approved");
    expect(String(answer.message)).toContain("the bottle stops now");
    const dir = join(world.stateHome, "bottle", world.identity, "supervise");
    expect(await readFile(join(dir, "Dockerfile"), "utf8")).toBe(dockerfile);
    expect((await stat(join(dir, "Dockerfile"))).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(join(dir, "blocked.json"), "utf8"))).toMatchObject({ request: pending.id, reason: expect.stringContaining("the task parses JSON") });
  });

  test("an approval cannot open what the SSRF guard refuses: the metadata address stays 403 private-address", async () => {
    const client = await world.connect();
    const call = client.callTool({ name: "request-egress", arguments: { host: "169.254.169.254", justification: "cloud credentials, please" } });
    const pending = await waitForPending(world);
    expect((await world.bottle(["approve", String(pending.id)])).exitCode).toBe(0);
    expect(toolJson(await call).status).toBe("approved");
    const after = await curl(["-x", world.proxy, "http://169.254.169.254/latest/meta-data/"]);
    expect(after.status).toBe(403);
    expect(blockReason(after)).toBe("private-address");
  });

  test("two people deciding at once: exactly one decision stands, the other is told", async () => {
    const client = await world.connect();
    const call = client.callTool({ name: "request-egress", arguments: { host: "race.gate.test", justification: "two terminals" } });
    const pending = await waitForPending(world);
    const [approve, deny] = await Promise.all([world.bottle(["approve", String(pending.id)]), world.bottle(["deny", String(pending.id), "--reason", "no"])]);
    expect([approve.exitCode, deny.exitCode].toSorted()).toEqual([0, 1]);
    const answer = toolJson(await call);
    expect(answer.status).toBe(approve.exitCode === 0 ? "approved" : "denied");
    expect((approve.exitCode === 0 ? deny : approve).stderr).toContain("already: the first decision stands");
  });

  test("a denied host cannot be asked for: deny wins over any approval", async () => {
    const client = await world.connect();
    const answer = toolJson(await client.callTool({ name: "request-egress", arguments: { host: "evil.gate.test", justification: "please" } }));
    expect(answer.status).toBe("denied");
    const listed = await world.bottle(["requests", "--json"]);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });

  test("asking for every host (*) or a URL is refused as invalid arguments", async () => {
    const client = await world.connect();
    for (const host of ["*", "https://x.gate.test/", "x.gate.test:443"]) {
      const result = await client.callTool({ name: "request-egress", arguments: { host, justification: "everything" } });
      expect(result.isError).toBe(true);
    }
  });

  test("a request file that does not validate is ignored, not believed (a hand-made approval grants nothing)", async () => {
    await writeFile(join(world.requests, "req-aaaaaaaaaa.json"), JSON.stringify({ id: "req-aaaaaaaaaa", tool: "request-egress", arguments: { host: "forged.gate.test" } }), { mode: 0o600 });
    await writeFile(join(world.requests, "req-aaaaaaaaaa.decision.json"), JSON.stringify({ status: "approved", time: new Date().toISOString(), by: "person" }), { mode: 0o600 });
    await Bun.sleep(1_500);
    expect((await fetchThrough(world, "forged.gate.test")).status).toBe(403);
  });
});

describe("a long wait", () => {
  test("outlives Bun.serve's 10 s idle timeout without progress tokens (SSE keep-alives every 5 s)", async () => {
    await using world = await superviseWorld({ allow_cidrs: ["127.0.0.0/8"] }, { wait_seconds: 12 });
    const client = await world.connect();
    const answer = toolJson(await client.callTool({ name: "request-egress", arguments: { host: "quiet.gate.test", justification: "slow person" } }, undefined, { timeout: 30_000 }));
    expect(answer.status).toBe("pending");
  }, 30_000);
});

describe("an agent in a loop", () => {
  test("cannot queue more than 20 waiting requests; the rest are refused until those are answered", async () => {
    await using world = await superviseWorld({ allow_cidrs: ["127.0.0.0/8"] }, { wait_seconds: 0 });
    const client = await world.connect();
    for (let index = 0; index < 20; index++) {
      const answer = toolJson(await client.callTool({ name: "request-egress", arguments: { host: `h${index}.gate.test`, justification: "loop" } }));
      expect(answer.status).toBe("pending");
    }
    const refused = await client.callTool({ name: "request-egress", arguments: { host: "h20.gate.test", justification: "loop" } });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused)).toContain("waiting for a person already");
    expect(JSON.parse((await world.bottle(["requests", "--json"])).stdout)).toHaveLength(20);
  });
});

describe("no person, no hang", () => {
  test("unattended (CI, no terminal, when_unattended: deny): denied at once, saying no one can approve it", async () => {
    await using world = await superviseWorld({ allow_cidrs: ["127.0.0.0/8"] }, { attended: false, wait_seconds: 30 });
    const client = await world.connect();
    const started = Date.now();
    const answer = toolJson(await client.callTool({ name: "request-egress", arguments: { host: "ci.gate.test", justification: "in CI" } }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(answer.status).toBe("denied");
    expect(String(answer.note)).toContain("no one can approve");
    expect(JSON.parse((await world.bottle(["requests", "--json"])).stdout)).toEqual([]);
    const lines = await world.auditLines();
    expect(lines.map((line) => line.reason)).toEqual(["supervise:requested", "supervise:unattended"]);
    expect(lines[1]).toMatchObject({ decision: "block", status: 403 });
  });

  test("a host that spells a token (hex in its labels) is redacted in the supervise audit lines, as a CONNECT to it is", async () => {
    // The attack (a hunt for leaks, this round): request-egress's host went into the
    // audit line raw, a GitHub token in hex across two labels, recoverable from the log.
    await using world = await superviseWorld({ allow_cidrs: ["127.0.0.0/8"] }, { attended: false });
    const hex = Buffer.from(`ghp_${"Zq7".repeat(12)}`).toString("hex");
    const host = `${hex.slice(0, 40)}.${hex.slice(40)}.evil.example`;
    const client = await world.connect();
    await client.callTool({ name: "request-egress", arguments: { host, justification: "for a build" } });
    const lines = await world.auditLines();
    expect(lines.map((line) => line.reason)).toEqual(["supervise:requested", "supervise:unattended"]);
    for (const line of lines) expect(line.host).toBe("[REDACTED:github-token]");
    expect(JSON.stringify(lines)).not.toContain(hex.slice(0, 40));
  });

  test("a request no one decides expires as denied; approving it afterwards is refused", async () => {
    await using world = await superviseWorld({ allow_cidrs: ["127.0.0.0/8"] }, { wait_seconds: 5, expire_after_seconds: 1 });
    const client = await world.connect();
    const answer = toolJson(await client.callTool({ name: "request-egress", arguments: { host: "slow.gate.test", justification: "whenever" } }));
    expect(answer.status).toBe("expired");
    const late = await world.bottle(["approve", String(answer.id)]);
    expect(late.exitCode).toBe(1);
    expect(late.stderr).toContain("expired");
    expect((await fetchThrough(world, "slow.gate.test")).status).toBe(403);
    expect((await world.auditLines()).map((line) => line.reason)).toContain("supervise:expired");
  });
});
