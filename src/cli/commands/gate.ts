import { BottleError, UsageError } from "../../core/errors.ts";
import type { CommandContext } from "../context.ts";

/**
 * `bottle gate --config FILE`: runs the gate until SIGTERM or SIGINT (it is PID 1 in
 * its container, where the kernel gives no default handlers). SIGHUP or a change to
 * the file reloads the policy; a bad new config is reported and the old one stays.
 */
export async function run(context: CommandContext): Promise<number> {
  // `bottle gate git-hook`: the git gate's pre-receive hook, run by git inside the gate.
  if (context.positionals[0] === "git-hook") {
    const { runGitHook } = await import("../../gate/services/git/run-git-hook.ts");
    return runGitHook(context.env, await Bun.stdin.text(), context.stderr);
  }
  // `bottle gate probe --config FILE`: readiness from inside the gate's container (backends `docker exec` it).
  if (context.positionals[0] === "probe") return probe(context);
  // `bottle gate requests --config FILE`: the supervise requests relay (the CLI execs it where it cannot share the folder).
  if (context.positionals[0] === "requests") return requests(context);
  // `bottle gate audit --config FILE [--follow]`: the audit log's lines, for a backend whose gate's files this host cannot read (a pod's claim).
  if (context.positionals[0] === "audit") return audit(context);
  // `bottle gate ca --config FILE`: the running gate's CA certificate, from inside its container (backends exec it).
  if (context.positionals[0] === "ca") return printCa(context);
  // Loaded only for the gate itself: the git hook runs once per push and must start fast
  // (the whole gate's modules cost it ~0.8 s from source with Bun 1.4.5).
  const [{ loadGateConfig }, { startGate }, { watchConfig }] = await Promise.all([
    import("../../gate/load-config.ts"),
    import("../../gate/serve-gate.ts"),
    import("../../gate/watch-config.ts"),
  ]);
  if (context.positionals.length > 0) throw new UsageError(`\`bottle gate\` got an unexpected argument: ${context.positionals[0]}`, "usage: bottle gate --config FILE");
  const file = context.flags.config;
  if (typeof file !== "string" || file === "") {
    throw new UsageError("`bottle gate` needs --config FILE", "usage: bottle gate --config FILE");
  }
  const config = await loadGateConfig(file);
  const gate = await startGate(config, context.env);
  const log = (line: string) => context.stderr.write(`bottle gate: ${line}\n`);
  log(`listening on ${config.listen.replace(/:\d+$/, `:${gate.port}`)}`);
  if (config.control !== undefined && gate.controlPort !== undefined) log(`control on ${config.control.replace(/:\d+$/, `:${gate.controlPort}`)}`);

  let reloading = Promise.resolve();
  const reload = (why: string) => {
    reloading = reloading.then(async () => {
      try {
        const next = await loadGateConfig(file);
        if (next.listen !== config.listen || next.control !== config.control || next.audit !== config.audit) {
          log("listen, control and audit changes apply on restart");
        }
        gate.reload(next);
        log(`reloaded ${file} (${why})`);
      } catch (error) {
        const message = error instanceof BottleError ? error.message : String(error);
        log(`reload failed, keeping the previous policy: ${message}`);
      }
    });
  };
  const stopWatching = watchConfig(file, () => reload("file changed"));
  const onHup = () => reload("SIGHUP");
  process.on("SIGHUP", onHup);

  const signal = await new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  log(`${signal}: shutting down`);
  stopWatching();
  process.off("SIGHUP", onHup);
  await gate.close();
  return 0;
}

/** Exits 0 once the gate of `--config` answers `/healthz`, 1 after `--wait` seconds (by default, 30). */
async function probe(context: CommandContext): Promise<number> {
  const file = context.flags.config;
  if (typeof file !== "string" || file === "") throw new UsageError("`bottle gate probe` needs --config FILE", "usage: bottle gate probe --config FILE [--wait SECONDS]");
  const wait = context.flags.wait === undefined ? 30 : Number(context.flags.wait);
  if (!Number.isFinite(wait) || wait < 0) throw new UsageError(`--wait takes a number of seconds, got ${String(context.flags.wait)}`);
  const [{ probeHealth, healthUrl }, { loadGateConfig }] = await Promise.all([import("../../gate/server/probe-health.ts"), import("../../gate/load-config.ts")]);
  const config = await loadGateConfig(file);
  if (await probeHealth(config, wait * 1000)) return 0;
  context.stderr.write(`bottle gate probe: ${healthUrl(config)} did not answer within ${wait} s\n`);
  return 1;
}

/**
 * Takes `{ decisions }` on stdin, writes each into the supervise requests folder of
 * `--config` (the first decision wins), and prints the folder's files as JSON.
 */
async function requests(context: CommandContext): Promise<number> {
  const file = context.flags.config;
  if (typeof file !== "string" || file === "") throw new UsageError("`bottle gate requests` needs --config FILE", "usage: bottle gate requests --config FILE");
  const [{ loadGateConfig }, { relayRequests, RelayInputSchema }, v] = await Promise.all([
    import("../../gate/load-config.ts"),
    import("../../gate/services/supervise/relay-requests.ts"),
    import("valibot"),
  ]);
  const config = await loadGateConfig(file);
  if (config.supervise === undefined) throw new BottleError(`${file} has no supervise key: this gate keeps no requests`);
  const text = await Bun.stdin.text();
  const input = v.safeParse(RelayInputSchema, JSON.parse(text.trim() === "" ? "{}" : text));
  if (!input.success) throw new UsageError(`bottle gate requests: stdin is not { decisions }: ${input.issues[0].message}`);
  context.stdout.write(`${JSON.stringify(relayRequests(config.supervise.requests, input.output))}\n`);
  return 0;
}

/** Prints the audit log of `--config` as written (JSON lines); `--follow` keeps streaming new ones until SIGTERM or stdin ends. */
async function audit(context: CommandContext): Promise<number> {
  const file = context.flags.config;
  if (typeof file !== "string" || file === "") throw new UsageError("`bottle gate audit` needs --config FILE", "usage: bottle gate audit --config FILE [--follow]");
  const [{ loadGateConfig }, { readLines }, { existsSync }] = await Promise.all([import("../../gate/load-config.ts"), import("../logs/follow-lines.ts"), import("node:fs")]);
  const config = await loadGateConfig(file);
  if (config.audit === undefined) throw new BottleError(`${file} has no audit key: this gate's audit lines go to its stderr`);
  // No request yet, no file yet: an empty log, not an error.
  if (!existsSync(config.audit) && context.flags.follow !== true) return 0;
  const stop = new AbortController();
  const onTerm = () => stop.abort();
  process.once("SIGTERM", onTerm);
  // A reader that went away (`docker exec -i`/`kubectl exec -i` ended by Ctrl-C) would leave a follower in
  // the gate's container per `logs --follow` (dockerd 20.10 keeps draining its stdout, so no EPIPE comes):
  // the reader holds stdin open while it follows, and its end ends this.
  if (context.flags.follow === true) process.stdin.on("end", onTerm).resume();
  await readLines(config.audit, (line) => context.stdout.write(`${line}\n`), { follow: context.flags.follow === true, signal: AbortSignal.any([stop.signal, context.signal]) });
  // A signal listener keeps Bun 1.4.5's process alive after the work is done.
  process.off("SIGTERM", onTerm);
  process.stdin.pause();
  return 0;
}

/** Prints the CA certificate (public) the gate of `--config` serves, read on its own port: for engines whose bridges the CLI cannot reach. */
async function printCa(context: CommandContext): Promise<number> {
  const file = context.flags.config;
  if (typeof file !== "string" || file === "") throw new UsageError("`bottle gate ca` needs --config FILE", "usage: bottle gate ca --config FILE");
  const [{ healthUrl }, { loadGateConfig }, { fetchGateCa }] = await Promise.all([
    import("../../gate/server/probe-health.ts"),
    import("../../gate/load-config.ts"),
    import("../../gate/tls/agent-trust.ts"),
  ]);
  const base = healthUrl(await loadGateConfig(file)).replace(/\/healthz$/, "");
  context.stdout.write(await fetchGateCa(base));
  return 0;
}
