import { afterAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { processRunner } from "../../../src/core/runner.ts";
import { BUSYBOX_IMAGE, ensureBusyboxImage } from "../../helpers/images.ts";
import { describeRemoteEngine, holdRemoteEngine, loadRemoteImages, remoteEngine, runnerWithEnv, type RemoteTransport } from "../../helpers/remote-engine.ts";
import { bottle, cliWorld, ROOT, type CliWorld } from "../backend/docker/cli.ts";
import { openTerminal, shellQuote, tmuxAvailable } from "../cli/tmux.ts";

const hasTmux = await tmuxAvailable();

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
}, 120_000);

/**
 * The MCP `tools/call` the agent makes, from inside its container (the host cannot reach
 * the engine's bridges): by hand over busybox nc, since busybox wget sends its own
 * form content type. Stdin stays open while the call waits (nc would end it early).
 */
function askScript(host: string): string {
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "request-egress", arguments: { host, justification: "the release notes live there" } } });
  return [
    `body='${body}'`,
    "u=${BOTTLE_SUPERVISE_URL#http://}; hp=${u%%/*}",
    `{ printf 'POST /%s HTTP/1.1\\r\\nHost: %s\\r\\nContent-Type: application/json\\r\\nAccept: application/json, text/event-stream\\r\\nAuthorization: Bearer %s\\r\\nConnection: close\\r\\nContent-Length: %s\\r\\n\\r\\n%s' "\${u#*/}" "$hp" "$BOTTLE_SUPERVISE_TOKEN" "\${#body}" "$body"; sleep 90; } | nc \${hp%:*} \${hp#*:}`,
  ].join("\n");
}

/** Runs the agent's call through `bottle shell` in the background; resolves with the answer's event once it arrives. */
function ask(world: CliWorld, identity: string, host: string): Promise<string> {
  let seen = "";
  let done!: (text: string) => void;
  const answered = new Promise<string>((resolve) => (done = resolve));
  const child = processRunner.start([process.execPath, join(ROOT, "src/cli/main.ts"), "shell", identity, "--", "sh", "-c", askScript(host)], {
    env: world.env,
    cwd: world.work,
    check: false,
    timeoutMs: 120_000,
    onOutput: (chunk) => {
      seen += chunk;
      if (seen.includes('"jsonrpc"')) done(seen);
    },
  });
  cleanups.push(async () => child.kill());
  void child.exited.then((result) => done(seen || result.stderr));
  return answered.then((text) => (child.kill(), text));
}

async function pending(world: CliWorld): Promise<{ id: string; bottle: string; arguments: { host: string } }[]> {
  const listed = await bottle(world, ["requests", "--json"]);
  expect({ code: listed.exitCode, stderr: listed.stderr }).toMatchObject({ code: 0, stderr: "" });
  return JSON.parse(listed.stdout || "[]");
}

function supervised(transport: RemoteTransport) {
  test(`the agent's MCP request appears in \`bottle requests\`; \`approve\` opens the host; \`deny\` reaches the agent; the live \`supervise\` view decides one; nothing is bind-mounted (${transport})`, async () => {
    const engine = await remoteEngine(transport);
    await ensureBusyboxImage();
    await loadRemoteImages(BUSYBOX_IMAGE);
    const there = runnerWithEnv(engine.env);
    // Over ssh the engine is found by its context alone (DOCKER_CONTEXT, as `--context` sets it).
    const reach: Record<string, string> = transport === "ssh" ? { DOCKER_HOST: "", DOCKER_CONTEXT: "bottle-remote-ssh" } : {};
    const world = await cliWorld("{}", { ...engine.env, ...reach, BOTTLE_SUBNET_POOL: "198.19.0.0/17" });
    cleanups.push(() => bottle(world, ["cleanup", "--all", "--yes"]));
    // CI is set (no one at this terminal): `wait` lets requests wait for a person anyway.
    await writeFile(
      world.manifest,
      `version: 1\nagents:\n  bbtest:\n    image: ${BUSYBOX_IMAGE}\n    command: [sh, -c]\nbottles:\n  default:\n    egress: { allow_cidrs: [${engine.bridges}] }\n    supervise: { when_unattended: wait }\n`,
    );
    const started = await bottle(world, ["start", "bbtest", "--detach", "--json"]);
    expect({ code: started.exitCode, stderr: started.stderr }).toMatchObject({ code: 0 });
    const { identity } = JSON.parse(started.stdout) as { identity: string };
    // The requests folder is the gate's volume on that engine, not a path of this host.
    const mounts = JSON.parse((await there.run(["docker", "inspect", "--format", "{{json .Mounts}}", `${identity}-gate`])).stdout) as { Type: string; Destination: string }[];
    expect(mounts.find((mount) => mount.Destination === "/var/lib/bottle/requests")?.Type).toBe("volume");
    expect(mounts.every((mount) => mount.Type === "volume")).toBe(true);

    // An origin beside the gate, on the bottle's egress network (its range is in allow_cidrs; its name is not allowed).
    const origin = `origin-${randomBytes(4).toString("hex")}`;
    cleanups.push(() => there.run(["docker", "rm", "--force", origin], { check: false }));
    await there.run(["docker", "run", "--detach", "--name", origin, "--network", `${identity}-egress`, BUSYBOX_IMAGE, "sh", "-c", `mkdir -p /www && echo hello-from-${origin} > /www/index.html && exec httpd -f -p 80 -h /www`]);
    const shell = (script: string) => bottle(world, ["shell", identity, "--", "sh", "-c", script]);
    const refused = await shell(`wget -q -O - http://${origin}/index.html 2>&1; echo exit=$?`);
    expect(refused.stdout).toContain("403");
    // While it runs, `logs --gate` reads the audit log from the gate's volume (by docker exec), not a stale copy.
    const live = await bottle(world, ["logs", "--gate", "--blocked", identity]);
    expect({ code: live.exitCode, stderr: live.stderr }).toMatchObject({ code: 0, stderr: "" });
    expect(live.stdout).toContain(origin);
    expect(live.stdout).toContain("not-allowed");

    // The agent asks; its call waits for a person (in the background: it answers when decided).
    const asking = ask(world, identity, origin);
    let found: Awaited<ReturnType<typeof pending>> = [];
    for (let attempt = 0; attempt < 150 && found.length === 0; attempt++) {
      found = await pending(world);
      if (found.length === 0) await Bun.sleep(200);
    }
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ bottle: identity, arguments: { host: origin } });

    const approved = await bottle(world, ["approve", found[0]!.id]);
    expect({ code: approved.exitCode, stderr: approved.stderr }).toMatchObject({ code: 0 });
    expect(approved.stderr).toContain(`approved ${found[0]!.id}: egress to ${origin}`);
    expect(await asking).toContain('\\"status\\": \\"approved\\"');
    // Live: the host answers now, through the gate.
    expect((await shell(`wget -q -O - http://${origin}/index.html`)).stdout).toBe(`hello-from-${origin}\n`);
    expect(await pending(world)).toEqual([]);

    // A denial with a reason reaches the agent the same way.
    const second = ask(world, identity, "other.example");
    found = [];
    for (let attempt = 0; attempt < 150 && found.length === 0; attempt++) {
      found = await pending(world);
      if (found.length === 0) await Bun.sleep(200);
    }
    expect((await bottle(world, ["deny", found[0]!.id, "--reason", "not for this task"])).exitCode).toBe(0);
    expect(await second).toContain("not for this task");
    // Deciding again is refused: the gate's folder has the decision.
    const again = await bottle(world, ["approve", found[0]!.id]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain("denied already");

    // The live view, in a person's terminal (no CI): a third request shows up there, relayed; Approve once reaches the agent.
    if (hasTmux) {
      const vars = Object.entries(world.env).filter(([name]) => name !== "CI").map(([name, value]) => `${name}=${shellQuote(value)}`);
      const terminal = await openTerminal(`env -u CI ${vars.join(" ")} ${shellQuote(process.execPath)} ${shellQuote(join(ROOT, "src/cli/main.ts"))} supervise`);
      cleanups.push(() => terminal.close());
      await terminal.waitFor("waiting for requests");
      const third = ask(world, identity, "third.example");
      await terminal.waitFor(/Decide req-[a-z2-7]+[\s\S]*Skip for now/, 60_000);
      await terminal.keys("Enter");
      await terminal.waitFor(/approved req-[a-z2-7]+: egress to third\.example/);
      expect(await third).toContain('\\"status\\": \\"approved\\"');
      await terminal.keys("C-c");
      await terminal.waitFor("[exit 130]");
    }

    // The audit has the requests and decisions (copied back when the gate goes). The origin
    // leaves first: a network with a container of someone else's on it cannot be removed.
    await there.run(["docker", "rm", "--force", origin]);
    const stopped = await bottle(world, ["stop", identity]);
    expect({ code: stopped.exitCode, stderr: stopped.stderr }).toMatchObject({ code: 0 });
    const audit = await bottle(world, ["logs", "--gate", "--json", identity]);
    expect(audit.stdout).toContain(found[0]!.id);
  }, 300_000);
}

describeRemoteEngine("supervise on a remote engine", () => {
  holdRemoteEngine();
  describe("over tcp:// with TLS", () => supervised("tls"));
  describe("over ssh://", () => supervised("ssh"));
});
