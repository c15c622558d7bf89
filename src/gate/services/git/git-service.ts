import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner, type RunningProcess } from "../../../core/runner.ts";
import { beginAudit, type AuditEntry } from "../../audit.ts";
import type { GateConfig } from "../../config-schema.ts";
import { createScanner, type Scanner } from "../../dlp/create-scanner.ts";
import { resolveRoutes } from "../../resolve-routes.ts";
import type { GateService, GateServiceContext } from "../gate-service.ts";
import { decidePush, type PushDecision } from "./decide-push.ts";
import { hookCommand } from "./hook-command.ts";
import { HOOK_PUSH_ENV, HOOK_SOCKET_ENV, startHookServer, type HookRequest } from "./hook-server.ts";
import { upstreamHost } from "./parse-upstream.ts";
import { peekPushCommands } from "./peek-push-commands.ts";
import { quarantineOf, undoUndecided } from "./quarantine.ts";
import { parseRefUpdate, type RefUpdate } from "./ref-update.ts";
import { buildRepoRuntime, type GitServiceOptions, type RepoRuntime } from "./repo-runtime.ts";
import { GitSlots } from "./git-slots.ts";
import { advertise, errorAdvertisement, gitProtocol, parseGitRequest, requestBody, rpcCall, type GitRequestTarget, type Served } from "./smart-http.ts";

/** By default, the largest pack a push may send. */
const MAX_PUSH_BYTES = 1024 * 1024 * 1024;

/** Where the git service answers on the control port. */
export const GIT_PREFIX = "/git/";

/** The agent may push nothing at all: no branch glob and no tags. */
function readOnly(repo: RepoRuntime): boolean {
  return repo.policy.push.length === 0 && !repo.policy.tags;
}

/** Splits `host:port` (or `[v6]:port`) for the audit line's `client`. */
function clientSocket(address: string): { remoteAddress: string; remotePort: number | undefined } {
  const match = /^(.*):(\d+)$/.exec(address);
  return match === null ? { remoteAddress: address, remotePort: undefined } : { remoteAddress: match[1]!.replace(/^\[|\]$/g, ""), remotePort: Number(match[2]) };
}

function text(status: number, body: string): Response {
  return new Response(`${body}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/**
 * Makes the git gate: smart HTTP under `/git/<name>.git` over bare mirrors the gate
 * keeps of each upstream, with credentials only the gate holds. Fetches update the
 * mirror first; pushes are decided ref by ref by a pre-receive hook that asks this
 * process, and land upstream before they land in the mirror. Undefined when the
 * config names no repo.
 */
export function createGitService(config: GateConfig, context: GateServiceContext, options: GitServiceOptions = {}): GateService | undefined {
  if ((config.git ?? []).length === 0) return undefined;
  const runner = options.runner ?? processRunner;
  // The gate's state folder is shared by its services: the mirrors take `git/`.
  const stateDir = context.stateDir === undefined ? mkdtempSync(join(tmpdir(), "bottle-git-state-")) : join(context.stateDir, "git");
  // Shared ssh connections' sockets: a short path (sockets stay under ~100 bytes), 0700.
  const ownControlDir = options.controlDir === undefined;
  const controlDir = options.controlDir ?? mkdtempSync(join(tmpdir(), "bottle-ssh-"));
  const hooks = startHookServer(options.hookCommand ?? hookCommand(), runner);
  void hooks.ready.then((problem) => {
    if (problem !== undefined) process.stderr.write(`bottle gate: git: the pre-receive hook cannot run (${problem}); every push is refused\n`);
  });
  const running = new Set<RunningProcess>();
  const slots = options.slots ?? new GitSlots();

  const build = (next: GateConfig, previous: Map<string, RepoRuntime> = new Map()): Map<string, RepoRuntime> => {
    const tokens = (next.git ?? []).flatMap((repo) => {
      const name = repo.token === undefined ? undefined : /^\$\{(\w+)\}$/.exec(repo.token)?.[1];
      const value = name === undefined ? undefined : context.env[name];
      return value === undefined || value === "" ? [] : [value];
    });
    // The same finder as the proxy's: route secrets and the git tokens, in every encoding.
    const scanner: Scanner = createScanner({ heldSecrets: [...resolveRoutes(next.egress.routes, context.env).heldSecrets, ...tokens] });
    const repos = new Map<string, RepoRuntime>();
    for (const repo of next.git ?? []) repos.set(repo.name, buildRepoRuntime(repo, stateDir, context.env, scanner, next.egress.dlp.action, { ...options, runner, controlDir }, previous.get(repo.name)));
    return repos;
  };
  let repos: Map<string, RepoRuntime>;
  try {
    repos = build(config);
  } catch (error) {
    // A repo the gate cannot serve (a missing token, no host key) fails the start: leave nothing behind.
    void hooks.close();
    if (ownControlDir) rmSync(controlDir, { recursive: true, force: true });
    throw error;
  }
  // Mirrors are made at start, not at the agent's first clone; a failure here is
  // only logged: the agent's first fetch retries and reads the reason.
  const warm = (all: Map<string, RepoRuntime>) => {
    for (const repo of all.values()) {
      void repo.mirror.update().then((result) => {
        if (!result.ok) process.stderr.write(`${result.message.replace(/^bottle gate: /, "bottle gate: git: ")}\n`);
      });
    }
  };
  warm(repos);

  // Every child holds a slot from before it starts until it has exited.
  const track = (served: Served, slot: () => void): Served => {
    running.add(served.child);
    void served.child.exited.finally(() => {
      running.delete(served.child);
      slot();
    });
    return served;
  };
  const busyMessage = () => `bottle: the gate is serving ${slots.limit} git requests of this bottle and ${slots.queue} more are waiting; try again when they finish`;
  /** The refusal for a request that found no slot (the queue full, or the client left while waiting). */
  const busy = (target: GitRequestTarget, finish: (changes: Partial<AuditEntry>) => void): Response => {
    finish({ status: target.step === "advertise" ? 200 : 503, decision: "error", reason: "busy" });
    return target.step === "advertise" ? errorAdvertisement(target.rpc, busyMessage()) : text(503, busyMessage());
  };

  const receivePack = async (repo: RepoRuntime, request: Request, finish: (changes: Partial<AuditEntry>) => void): Promise<Response> => {
    const problem = await hooks.ready;
    if (problem !== undefined) {
      finish({ status: 503, decision: "error", reason: "hook-unavailable" });
      return text(503, `bottle: the gate cannot run its push check (${problem}); pushes are refused`);
    }
    const slot = await slots.take(request.signal);
    if (slot === undefined) {
      finish({ status: 503, decision: "error", reason: "busy" });
      return text(503, busyMessage());
    }
    let peeked: Awaited<ReturnType<typeof peekPushCommands>>;
    try {
      peeked = await peekPushCommands(requestBody(request));
    } catch (error) {
      slot();
      throw error;
    }
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await new Promise<void>((acquired) => void repo.mirror.exclusive(() => (acquired(), held)));
    // The push's size as git meant it (after any gzip), for the audit line.
    let received = 0;
    const body = peeked.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ transform: (chunk, out) => void ((received += chunk.byteLength), out.enqueue(chunk)) }));
    let decision: PushDecision | undefined;
    const id = hooks.register(async (hook: HookRequest) => {
      const objects = realpathSync(join(repo.mirror.path, "objects"));
      // No quarantine (a delete-only push brings no objects): the mirror's own objects.
      const objectDir = hook.objectDir === "" ? objects : quarantineOf(repo.mirror.path, hook.objectDir);
      if (objectDir === undefined) return { accept: false, messages: ["the push's objects are not where the gate expects them; refused"] };
      const updates = hook.updates.split("\n").map(parseRefUpdate).filter((update): update is RefUpdate => update !== undefined);
      decision = await decidePush(runner, repo, updates, { objectDir, alternates: objectDir === objects ? "" : objects });
      return { accept: decision.accept, messages: decision.messages };
    });
    try {
      const served = track(
        rpcCall(
          {
            runner,
            mirrorPath: repo.mirror.path,
            protocol: gitProtocol(request.headers.get("git-protocol")),
            // A pack bigger than this is cut off while it arrives, before the disk or the check pays for it.
            config: [`core.hooksPath=${hooks.hooksDir}`, `receive.maxInputSize=${options.maxPushBytes ?? MAX_PUSH_BYTES}`],
            secretEnv: { [HOOK_SOCKET_ENV]: hooks.socketPath, [HOOK_PUSH_ENV]: id },
            signal: request.signal,
          },
          "git-receive-pack",
          body,
        ),
        slot,
      );
      void Promise.all([served.child.exited, served.sent]).then(async ([result, bytes]) => {
        hooks.unregister(id);
        const undone = decision === undefined ? await undoUndecided(runner, repo.mirror.path, peeked.commands) : [];
        release();
        if (undone.length > 0) process.stderr.write(`bottle gate: git: a push to ${repo.name} moved ${undone.join(", ")} without the hook's decision; undone\n`);
        // Without a decision, the agent's ref names are written as the scanner redacts them.
        const refs = decision?.refs ?? peeked.commands.map((command) => ({ ...command, ref: repo.scanner.redact(command.ref), decision: "error" as const, reason: "no-decision" }));
        const failed = decision === undefined && (result.exitCode !== 0 || undone.length > 0);
        const verdict: AuditEntry["decision"] =
          decision === undefined
            ? failed ? "error" : "allow"
            : !decision.accept
              ? decision.refs.some((ref) => ref.decision === "block") ? "block" : "error"
              : refs.some((ref) => ref.decision === "warn") ? "warn" : "allow";
        const reason = decision?.reason ?? (undone.length > 0 ? "hook-not-run" : failed ? "receive-pack-failed" : undefined);
        finish({ status: 200, decision: verdict, refs, bytes_up: received, bytes_down: bytes, ...(reason === undefined ? {} : { reason }) });
        if (failed && undone.length === 0) process.stderr.write(`bottle gate: git: receive-pack for ${repo.name} failed: ${result.stderr.trim().split("\n").pop()}\n`);
      });
      return served.response;
    } catch (error) {
      hooks.unregister(id);
      release();
      slot();
      throw error;
    }
  };

  return {
    name: "git",
    controlPrefix: GIT_PREFIX,
    heldSecrets: () => [...repos.values()].flatMap((repo) => repo.secrets()),
    async fetch(request, client) {
      const url = new URL(request.url);
      const target = parseGitRequest(request.method, url);
      const known = [...repos.keys()].map((name) => `${GIT_PREFIX}${name}.git`).join(", ");
      const repo = target === undefined ? undefined : repos.get(target.repo);
      if (target === undefined || repo === undefined) {
        // A probe for a path or a repo the manifest does not name is a refusal like any other: audited.
        const refused = beginAudit(context.audit, clientSocket(client.address), { method: request.method, host: "gate", path: `${url.pathname}${url.search}` });
        refused({ service: "git", status: 404, decision: "block", reason: target === undefined ? "not-a-git-path" : "unknown-repo", ...(target === undefined ? {} : { repo: target.repo }) });
        if (target === undefined) return text(404, `bottle gate: no git service at ${url.pathname} (repos: ${known}; smart HTTP only)`);
        return text(404, `bottle gate: no git repo named ${target.repo} (repos: ${known})`);
      }
      const finish = beginAudit(context.audit, clientSocket(client.address), {
        method: request.method,
        host: upstreamHost(repo.upstream),
        path: `${url.pathname}${url.search}`,
      });
      const base = { service: "git", repo: repo.name };
      const protocol = gitProtocol(request.headers.get("git-protocol"));

      if (target.rpc === "git-receive-pack" && readOnly(repo)) {
        const message = `bottle: ${repo.name} is read-only for the agent: no branch is pushable (push: [] in the manifest)`;
        finish({ ...base, status: target.step === "advertise" ? 200 : 403, decision: "block", reason: "read-only" });
        return target.step === "advertise" ? errorAdvertisement(target.rpc, message) : text(403, message);
      }
      if (target.rpc === "git-receive-pack" && target.step === "advertise") {
        const problem = await hooks.ready;
        if (problem !== undefined) {
          finish({ ...base, status: 200, decision: "error", reason: "hook-unavailable" });
          return errorAdvertisement(target.rpc, `bottle: the gate cannot run its push check (${problem}); pushes are refused`);
        }
      }
      // A push's advertisement comes from the mirror as it is: waiting for an update
      // there would put a whole upstream fetch before the push. Instead the upstream
      // connection opens while the agent builds and sends its pack. Safe with a stale
      // mirror: an update upstream moved meanwhile is refused there (a fast-forward
      // from an old tip is not one; a force carries a lease on the old id), and the
      // mirror's own ref moves only from the old id the agent saw.
      const pushing = target.rpc === "git-receive-pack" && repo.mirror.exists;
      if (pushing && target.step === "advertise") void repo.connection?.open();
      if ((target.step === "advertise" && !pushing) || !repo.mirror.exists) {
        const updated = await repo.mirror.update();
        if (!updated.ok) {
          finish({ ...base, status: 200, decision: "error", reason: "upstream-unreachable" });
          return errorAdvertisement(target.rpc, updated.message);
        }
      }
      if (target.rpc === "git-receive-pack" && target.step === "rpc") return receivePack(repo, request, (changes) => finish({ ...base, ...changes }));
      const slot = await slots.take(request.signal);
      if (slot === undefined) return busy(target, (changes) => finish({ ...base, ...changes }));
      let served: Served;
      try {
        const options = { runner, mirrorPath: repo.mirror.path, protocol, signal: request.signal };
        served = track(target.step === "advertise" ? advertise(options, target.rpc) : rpcCall(options, target.rpc, requestBody(request)), slot);
      } catch (error) {
        // A child that never started gives its slot back at once.
        slot();
        throw error;
      }
      if (target.step === "advertise") {
        void served.sent.then((bytes) => finish({ ...base, status: 200, bytes_down: bytes }));
        return served.response;
      }
      void Promise.all([served.child.exited, served.sent]).then(([result, bytes]) =>
        finish({ ...base, status: 200, bytes_down: bytes, ...(result.exitCode === 0 ? {} : { decision: "error", reason: "upload-pack-failed" }) }),
      );
      return served.response;
    },
    reload(next) {
      const before = repos;
      repos = build(next, before);
      for (const [name, repo] of before) if (!repos.has(name)) void repo.connection?.close();
      warm(new Map([...repos].filter(([name]) => !before.has(name))));
    },
    async close() {
      for (const child of running) child.kill("SIGTERM");
      await Promise.all([...running].map((child) => child.exited.catch(() => undefined)));
      await hooks.close();
      // Shared ssh connections end with the gate, not a minute later.
      await Promise.all([...repos.values()].map((repo) => repo.connection?.close()));
      if (ownControlDir) rmSync(controlDir, { recursive: true, force: true });
    },
  };
}
