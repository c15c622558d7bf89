import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import type { Runner } from "../../../core/runner.ts";
import { hookScript } from "./hook-command.ts";

/** What the hook sends: which push it belongs to, git's stdin, and git's quarantine. */
const HookRequestSchema = v.strictObject({
  push: v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/)),
  updates: v.pipe(v.string(), v.maxLength(1 << 20)),
  objectDir: v.string(),
});

/** A hook call, parsed. */
export type HookRequest = v.InferOutput<typeof HookRequestSchema>;

/** What the hook prints and whether git may take the push. */
export interface HookAnswer {
  accept: boolean;
  messages: string[];
}

/** The environment variables receive-pack hands its hook, naming the socket and the push. */
export const HOOK_SOCKET_ENV = "BOTTLE_GIT_HOOK_SOCKET";
export const HOOK_PUSH_ENV = "BOTTLE_GIT_PUSH_ID";
/** Set when the gate runs its own hook once at start, to see that git could run it. */
export const HOOK_PROBE_ENV = "BOTTLE_GIT_HOOK_PROBE";
/** What the hook prints for a probe. */
export const HOOK_PROBE_ANSWER = "bottle git hook ready";

/** The gate's end of the pre-receive hook: a unix socket only the gate's user can open. */
export interface HookServer {
  socketPath: string;
  /** The `core.hooksPath` for receive-pack: holds only `pre-receive`. */
  hooksDir: string;
  /**
   * Undefined once the hook ran for a probe; otherwise why it cannot run. git skips a
   * hook it cannot execute and takes the push, so pushes wait for this and are refused
   * while it says no.
   */
  ready: Promise<string | undefined>;
  /** Registers a push being received; the id goes to its hook by environment, never argv. */
  register(decide: (request: HookRequest) => Promise<HookAnswer>): string;
  unregister(id: string): void;
  close(): Promise<void>;
}

/**
 * Starts the socket the mirrors' pre-receive hook asks. It lives in a fresh 0700
 * folder under the temp dir (a socket path must stay under ~100 bytes, which a state
 * folder may not), and answers only for a push the gate registered: the id is 128
 * random bits handed to that one receive-pack, so nothing else can get a decision or
 * claim another repo's push.
 */
export function startHookServer(hookArgv: readonly string[], runner: Runner): HookServer {
  const dir = mkdtempSync(join(tmpdir(), "bottle-git-"));
  const hooksDir = join(dir, "hooks");
  mkdirSync(hooksDir, { mode: 0o700 });
  writeFileSync(join(hooksDir, "pre-receive"), hookScript(hookArgv), { mode: 0o700 });
  const socketPath = join(dir, "hook.sock");
  const pushes = new Map<string, (request: HookRequest) => Promise<HookAnswer>>();

  const server = Bun.serve({
    unix: socketPath,
    async fetch(request) {
      const parsed = v.safeParse(HookRequestSchema, await request.json().catch(() => undefined));
      if (!parsed.success) return Response.json({ accept: false, messages: ["the gate could not read the hook's request"] }, { status: 400 });
      const decide = pushes.get(parsed.output.push);
      if (decide === undefined) return Response.json({ accept: false, messages: ["this push is not one the gate is receiving"] }, { status: 403 });
      try {
        return Response.json(await decide(parsed.output));
      } catch (error) {
        process.stderr.write(`bottle gate: git: deciding a push failed: ${(error as Error).message}\n`);
        return Response.json({ accept: false, messages: ["the gate failed while deciding this push; nothing was pushed"] }, { status: 500 });
      }
    },
  });
  chmodSync(socketPath, 0o600);
  const hook = join(hooksDir, "pre-receive");
  const ready = runner
    .run([hook], { env: { [HOOK_PROBE_ENV]: "1" }, check: false, timeoutMs: 60_000 })
    .then((result) => (result.exitCode === 0 && result.stderr.includes(HOOK_PROBE_ANSWER) ? undefined : `exit ${result.exitCode}: ${result.stderr.trim().split("\n").pop() ?? ""}`))
    .catch((error: Error) => error.message);

  return {
    socketPath,
    hooksDir,
    ready,
    register(decide) {
      const id = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("hex");
      pushes.set(id, decide);
      return id;
    },
    unregister: (id) => void pushes.delete(id),
    async close() {
      await server.stop(true);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
