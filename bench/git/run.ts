/**
 * Git gate benchmark: clone and up-to-date fetch of a ~50 MB repo, and a push of a
 * 1 MB commit (DLP included), through the git gate versus straight from the same
 * upstream, a real sshd on loopback. The gate runs in this process, mounted on its own
 * `Bun.serve` as the control port mounts it; every git is a real git child.
 *
 *   bun bench/git/run.ts [--runs N] [--mb SIZE]
 *
 * Medians of N runs (by default 3). The machine is shared: quote ratios.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gitClient, seedBareRepo } from "../../test/helpers/git/git-client.ts";
import { startGitGate } from "../../test/helpers/git/git-gate.ts";
import { startSshUpstream } from "../../test/helpers/git/ssh-upstream.ts";

const flag = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const runs = Number(flag("--runs")) || 3;
const megabytes = Number(flag("--mb")) || 50;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${Math.round(value)} ms`;

await using sshd = await startSshUpstream();
await using person = await gitClient();
const upstreamPath = join(sshd.dir, "big.git");
await seedBareRepo(person, upstreamPath);

// ~50 MB of pack: incompressible files over a few commits, so neither side gets a free ride from zlib.
const seed = join(person.home, "seed");
await person.ok(["clone", "-q", upstreamPath, seed]);
const perCommit = Math.ceil(megabytes / 5);
await mkdir(join(seed, "data"));
for (let commit = 0; commit < 5; commit++) {
  for (let file = 0; file < perCommit; file++) await writeFile(join(seed, "data", `${commit}-${file}.bin`), randomBytes(1 << 20));
  await person.ok(["add", "-A"], seed);
  await person.ok(["commit", "-q", "-m", `data ${commit}`], seed);
}
// Random data has no deltas: searching for them would only burn the shared CPUs.
await person.ok(["-c", "pack.window=0", "push", "-q", "origin", "HEAD:main"], seed);
// A push of few objects lands loose; a served repo is packed (as a forge's is), or every clone recompresses it.
await person.ok(["-c", "pack.window=0", "repack", "-a", "-d", "-q"], upstreamPath);
const packBytes = Number((await person.ok(["count-objects", "-v"], upstreamPath)).match(/size-pack: (\d+)/)?.[1] ?? 0) * 1024;

const direct = `${sshd.base}${upstreamPath}`;
// The person's own ssh, with the same key the gate holds and the pinned host key.
const knownHosts = join(person.home, "known_hosts");
await writeFile(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostKey}\n`);
const sshEnv = { GIT_SSH_COMMAND: `ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o UserKnownHostsFile=${knownHosts} -i ${sshd.clientKey}` };

await using gate = await startGitGate([{ name: "big", upstream: direct, key: sshd.clientKey, known_hosts: sshd.hostKey, push: ["bench/*"] }]);
const viaGate = `${gate.base}big.git`;

const time = async (args: string[], cwd: string, env: Record<string, string> = {}) => {
  const started = performance.now();
  const result = await person.git(args, cwd, env);
  if (result.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  return performance.now() - started;
};

// The first clone through the gate also makes its mirror: measured apart, once.
const cold = await time(["clone", "-q", viaGate, join(person.home, "cold")], person.home);

const rows: { what: string; direct: number; gate: number }[] = [];
const measure = async (what: string, run: (target: string, env: Record<string, string>, index: number) => Promise<number>) => {
  const directs: number[] = [];
  const gates: number[] = [];
  for (let index = 0; index < runs; index++) {
    directs.push(await run(direct, sshEnv, index));
    gates.push(await run(viaGate, {}, index));
  }
  rows.push({ what, direct: median(directs), gate: median(gates) });
};

await measure("clone (~50 MB)", async (url, env, index) => {
  const target = join(person.home, `clone-${index}-${url === direct ? "d" : "g"}`);
  const took = await time(["clone", "-q", url, target], person.home, env);
  await rm(target, { recursive: true, force: true });
  return took;
});

const fetchDir = join(person.home, "fetcher");
await person.ok(["clone", "-q", viaGate, fetchDir]);
await measure("fetch, up to date", async (url, env) => {
  // Past the mirror's 3 s reuse window: every gate fetch asks upstream first, as a real one would.
  await Bun.sleep(3_100);
  return time(["fetch", "-q", url, "+refs/heads/*:refs/remotes/x/*"], fetchDir, env);
});

// 1 MB of plain text in one commit (what DLP reads line by line), a new branch each push.
const text = () => Array.from({ length: 16_384 }, (_, i) => `line ${i}: the quick brown fox ${randomBytes(12).toString("hex")} jumps\n`).join("");
await measure("push, 1 MB commit", async (url, env, index) => {
  await person.ok(["checkout", "-q", "-B", `work-${index}-${url === direct ? "d" : "g"}`, "origin/main"], fetchDir);
  await person.commit(fetchDir, { [`notes-${index}.txt`]: text() }, "1 MB of notes");
  return time(["push", "-q", url, `HEAD:refs/heads/bench/${index}-${url === direct ? "d" : "g"}`], fetchDir, env);
});

console.log(`git gate benchmark: pack ${(packBytes / 1e6).toFixed(1)} MB, ${runs} runs each, medians; loopback sshd upstream`);
console.log(`first clone through the gate (makes the mirror): ${ms(cold)}`);
console.log("| operation | direct (ssh) | through the gate | ratio |");
console.log("|---|---:|---:|---:|");
for (const row of rows) console.log(`| ${row.what} | ${ms(row.direct)} | ${ms(row.gate)} | ${(row.gate / row.direct).toFixed(2)}× |`);
