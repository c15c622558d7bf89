import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner } from "../../../src/core/runner.ts";
import { makeTlsMaterial } from "../../integration/gate/harness.ts";

/** Real `git http-backend` behind a Bun TLS server with its own CA, requiring a token. */
export interface HttpsUpstream {
  /** Where bare repos go: `<root>/<name>.git` is served as `<base>/<name>.git`. */
  root: string;
  /** `https://127.0.0.1:PORT` */
  base: string;
  caFile: string;
  /** The `Authorization` headers requests carried, in order. */
  authorizations: (string | null)[];
  [Symbol.asyncDispose](): Promise<void>;
}

/** Splits CGI output into its header block and the body that follows. */
async function cgiResponse(stdout: ReadableStream<Uint8Array>): Promise<Response> {
  const reader = stdout.getReader();
  let head = new Uint8Array(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const joined = new Uint8Array(head.length + value.length);
    joined.set(head);
    joined.set(value, head.length);
    head = joined;
    const end = Buffer.from(head).indexOf("\r\n\r\n");
    if (end === -1) continue;
    const headers = new Headers();
    let status = 200;
    for (const line of Buffer.from(head.subarray(0, end)).toString("latin1").split("\r\n")) {
      const [name, ...rest] = line.split(":");
      const value = rest.join(":").trim();
      if (name!.toLowerCase() === "status") status = Number.parseInt(value, 10);
      else headers.set(name!, value);
    }
    const first = head.subarray(end + 4);
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => void (first.length > 0 && controller.enqueue(first)),
      async pull(controller) {
        const next = await reader.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
    });
    return new Response(body, { status, headers });
  }
  return new Response("no CGI answer", { status: 502 });
}

/**
 * Starts an https git server on 127.0.0.1: each request must carry exactly
 * `Authorization: <expected>`, or it gets 401; then real `git http-backend` answers
 * (pushes enabled through `REMOTE_USER`).
 */
export async function startHttpsUpstream(expectedAuthorization: string): Promise<HttpsUpstream> {
  const root = await mkdtemp(join(tmpdir(), "bottle-https-git-"));
  const tls = await makeTlsMaterial();
  const authorizations: (string | null)[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    tls: { cert: await readFile(tls.certFile, "utf8"), key: await readFile(tls.keyFile, "utf8") },
    async fetch(request) {
      const authorization = request.headers.get("authorization");
      authorizations.push(authorization);
      if (authorization !== expectedAuthorization) {
        return new Response("token required\n", { status: 401, headers: { "www-authenticate": 'Basic realm="git"' } });
      }
      const url = new URL(request.url);
      const child = processRunner.start(["git", "http-backend"], {
        env: {
          GIT_PROJECT_ROOT: root,
          GIT_HTTP_EXPORT_ALL: "1",
          GIT_CONFIG_NOSYSTEM: "1",
          REMOTE_USER: "gate",
          REQUEST_METHOD: request.method,
          PATH_INFO: decodeURIComponent(url.pathname),
          QUERY_STRING: url.search.slice(1),
          CONTENT_TYPE: request.headers.get("content-type") ?? "",
          HTTP_CONTENT_ENCODING: request.headers.get("content-encoding") ?? "",
          GIT_PROTOCOL: request.headers.get("git-protocol") ?? "",
        },
        stdin: request.body ?? "",
        stdio: "stream",
        check: false,
      });
      return cgiResponse(child.stdout!);
    },
  });
  return {
    root,
    base: `https://127.0.0.1:${server.port}`,
    caFile: tls.caFile,
    authorizations,
    async [Symbol.asyncDispose]() {
      await server.stop(true);
      await rm(root, { recursive: true, force: true });
      await rm(tls.dir, { recursive: true, force: true });
    },
  };
}
