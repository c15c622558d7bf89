import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner, type RunningProcess } from "../../../../src/core/runner.ts";

/** The repository root. */
export const ROOT = join(import.meta.dir, "../../../..");

/** A private world for CLI runs: state folder, manifest with a busybox agent `bbtest`. */
export interface CliWorld {
  root: string;
  /** The CLI's cwd: a small project, what `--cwd` copies. */
  work: string;
  state: string;
  manifest: string;
  env: Record<string, string>;
}

/** Creates a CLI world; `egress` is the default bottle's egress, as YAML flow text. */
export async function cliWorld(egress = "{}", extraEnv: Record<string, string> = {}, agentYaml: string[] = []): Promise<CliWorld> {
  const root = await mkdtemp(join(tmpdir(), "bottle-cli-"));
  const manifest = join(root, "bottle.yaml");
  await writeFile(
    manifest,
    `version: 1\nagents:\n  bbtest:\n    image: bottle-test-busybox:1\n    command: [sh, -c]\n${agentYaml.map((line) => `    ${line}\n`).join("")}bottles:\n  default:\n    egress: ${egress}\n`,
  );
  const work = join(root, "work");
  await mkdir(join(work, "src"), { recursive: true });
  await writeFile(join(work, "README.md"), "# a project\n");
  await writeFile(join(work, "src", "uncommitted.txt"), "work in progress\n");
  const env: Record<string, string> = {
    XDG_STATE_HOME: join(root, "state"),
    XDG_CACHE_HOME: process.env.BOTTLE_TEST_CACHE ?? join(tmpdir(), "bottle-test-cache"),
    BOTTLE_MANIFEST: manifest,
    CI: "1",
    ...extraEnv,
  };
  return { root, work, state: join(root, "state", "bottle"), manifest, env };
}

/** Runs `bottle ARGS` from source and captures everything. */
export function bottle(world: CliWorld, args: string[]) {
  return processRunner.run([process.execPath, join(ROOT, "src/cli/main.ts"), ...args], { env: world.env, cwd: world.work, check: false, timeoutMs: 300_000 });
}

/** Starts `bottle ARGS` in the background, calling `onLine` for each stderr line. */
export function bottleProcess(world: CliWorld, args: string[], onLine: (line: string) => void): RunningProcess {
  let pending = "";
  return processRunner.start([process.execPath, join(ROOT, "src/cli/main.ts"), ...args], {
    env: world.env,
    cwd: world.work,
    check: false,
    onOutput: (chunk, stream) => {
      if (stream !== "stderr") return;
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) onLine(line);
    },
  });
}

/** Everything on the engine labelled as made by this world's CLI (the owner label). */
export async function owned(world: CliWorld): Promise<string[]> {
  const filter = ["--filter", `label=dev.bottle.owner=${world.state}`];
  const [containers, networks, volumes] = await Promise.all([
    processRunner.run(["docker", "ps", "-a", ...filter, "--format", "container {{.Names}}"]),
    processRunner.run(["docker", "network", "ls", ...filter, "--format", "network {{.Name}}"]),
    processRunner.run(["docker", "volume", "ls", ...filter, "--format", "volume {{.Name}}"]),
  ]);
  return `${containers.stdout}${networks.stdout}${volumes.stdout}`.split("\n").filter((line) => line !== "");
}

/** Removes everything a world's CLI made, running (detached) bottles included. */
export async function tearDownWorld(world: CliWorld): Promise<void> {
  // A CLI still tearing down (a killed terminal) may race the first pass: retry a few times.
  for (let attempt = 0; attempt < 10; attempt++) {
    const listed = await bottle(world, ["list", "--json"]);
    const bottles = listed.exitCode === 0 ? (JSON.parse(listed.stdout) as { identity: string; status: string }[]) : [];
    for (const { identity, status } of bottles) if (status === "running") await bottle(world, ["stop", identity]);
    await bottle(world, ["cleanup", "--yes", "--all"]);
    if ((await owned(world)).length === 0) return;
    await Bun.sleep(1_000);
  }
}
