import type { RunningProcess, Runner, RunOptions } from "../../../core/runner.ts";
import { encodePacket, errorPacket, FLUSH_PACKET } from "./pkt-line.ts";
import { HERMETIC_GIT_ENV } from "./upstream-access.ts";

/** The two services smart HTTP serves. */
export type GitRpc = "git-upload-pack" | "git-receive-pack";

/** A smart-HTTP request to one repo, as the path names it. */
export interface GitRequestTarget {
  repo: string;
  /** `advertise` is `GET info/refs?service=…`, `rpc` the POST that follows. */
  step: "advertise" | "rpc";
  rpc: GitRpc;
}

/**
 * Reads `/git/<name>[.git]/info/refs?service=…` and `/git/<name>[.git]/git-…-pack`.
 * Anything else (the dumb protocol's `objects/…`, `HEAD`) is not served: undefined.
 */
export function parseGitRequest(method: string, url: URL): GitRequestTarget | undefined {
  const match = /^\/git\/([a-z0-9][a-z0-9_.-]{0,39}?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/.exec(url.pathname);
  if (match === null) return undefined;
  const [, repo, what] = match as unknown as [string, string, string];
  if (what === "info/refs") {
    const service = url.searchParams.get("service");
    if (method !== "GET" || (service !== "git-upload-pack" && service !== "git-receive-pack")) return undefined;
    return { repo, step: "advertise", rpc: service };
  }
  if (method !== "POST") return undefined;
  return { repo, step: "rpc", rpc: what as GitRpc };
}

/** The agent's `Git-Protocol` header as `GIT_PROTOCOL`, when it is plain `key=value:…` text. */
export function gitProtocol(header: string | null): string | undefined {
  return header !== null && /^[A-Za-z0-9=:._-]{1,200}$/.test(header) ? header : undefined;
}

/** True when the client asked for protocol v2 (which has no `# service=` line). */
function wantsV2(protocol: string | undefined): boolean {
  return protocol !== undefined && /(^|:)version=2(:|$)/.test(protocol);
}

/** A refusal or failure the agent's git prints as `fatal: remote error: <message>`. */
export function errorAdvertisement(rpc: GitRpc, message: string): Response {
  return new Response(errorPacket(message), {
    headers: { "content-type": `application/x-git-${rpc.slice(4)}-advertisement`, "cache-control": "no-cache" },
  });
}

/** How one git child serving a request is run. */
export interface ServeOptions {
  runner: Runner;
  mirrorPath: string;
  protocol: string | undefined;
  /** Extra `-c key=value` settings (receive-pack's hooks path). */
  config?: string[];
  /** Extra environment (the hook's socket and push id, as secrets). */
  secretEnv?: Record<string, string>;
  signal?: AbortSignal;
}

/** A served response and the child behind it, whose end the caller awaits for the audit. */
export interface Served {
  response: Response;
  child: RunningProcess;
  /** Resolves with the bytes sent once the body has gone out (or the client left). */
  sent: Promise<number>;
}

function spawnGit(options: ServeOptions, rpc: GitRpc, extra: string[], stdin: RunOptions["stdin"]): RunningProcess {
  const env: Record<string, string> = { ...HERMETIC_GIT_ENV };
  if (options.protocol !== undefined) env.GIT_PROTOCOL = options.protocol;
  const config = (options.config ?? []).flatMap((setting) => ["-c", setting]);
  return options.runner.start(["git", ...config, rpc.slice(4), "--stateless-rpc", ...extra, options.mirrorPath], {
    env,
    secretEnv: options.secretEnv,
    stdin,
    stdio: "stream",
    check: false,
    signal: options.signal,
  });
}

/**
 * `prefix`, then `rest`, as one stream that counts the bytes it hands out and says
 * when it is done: at the end, or when the client leaves (what it got so far).
 */
function counted(prefix: readonly Uint8Array[], rest: ReadableStream<Uint8Array>): { stream: ReadableStream<Uint8Array>; sent: Promise<number> } {
  let bytes = 0;
  let finish!: (n: number) => void;
  const sent = new Promise<number>((resolve) => (finish = resolve));
  const queue = [...prefix];
  const reader = rest.getReader();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = queue.shift() ?? (await reader.read().then(({ done, value }) => (done ? undefined : value)));
      if (next === undefined) {
        controller.close();
        return finish(bytes);
      }
      bytes += next.byteLength;
      controller.enqueue(next);
    },
    cancel(reason) {
      finish(bytes);
      return reader.cancel(reason);
    },
  });
  return { stream, sent };
}

/**
 * `GET info/refs?service=…`: the refs advertisement from real git
 * (`--stateless-rpc --advertise-refs`), after the `# service=` line protocol v0 needs.
 */
export function advertise(options: ServeOptions, rpc: GitRpc): Served {
  const child = spawnGit(options, rpc, ["--advertise-refs"], "ignore");
  const head = wantsV2(options.protocol) && rpc === "git-upload-pack" ? [] : [encodePacket(`# service=${rpc}\n`), FLUSH_PACKET];
  const { stream, sent } = counted(head, child.stdout!);
  const response = new Response(stream, {
    headers: { "content-type": `application/x-git-${rpc.slice(4)}-advertisement`, "cache-control": "no-cache" },
  });
  return { response, child, sent };
}

/**
 * The POST of a fetch or push: the request body (gunzipped when git compressed it)
 * streams into real git's `--stateless-rpc`, and its output streams back.
 */
export function rpcCall(options: ServeOptions, rpc: GitRpc, body: ReadableStream<Uint8Array>): Served {
  const child = spawnGit(options, rpc, [], body);
  const { stream, sent } = counted([], child.stdout!);
  const response = new Response(stream, {
    headers: { "content-type": `application/x-git-${rpc.slice(4)}-result`, "cache-control": "no-cache" },
  });
  return { response, child, sent };
}

/** A request body as git meant it: `Content-Encoding: gzip` undone, streaming. */
export function requestBody(request: Request): ReadableStream<Uint8Array> {
  const body = request.body ?? new Response("").body!;
  const encoding = request.headers.get("content-encoding")?.toLowerCase();
  if (encoding === "gzip" || encoding === "x-gzip") return body.pipeThrough(new DecompressionStream("gzip"));
  return body;
}
