import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { createHash, timingSafeEqual } from "node:crypto";
import type { Egress } from "../../../manifest/egress-schema.ts";
import { VERSION } from "../../../core/version.ts";
import { callTool, toolDescriptions } from "./supervise-tools.ts";
import type { Supervisor } from "./supervisor.ts";

const INSTRUCTIONS =
  "This bottle's gate. When a host is refused (403, X-Bottle-Block: not-allowed), call request-egress with a short " +
  "justification; when the task needs software the image lacks, propose-dockerfile. A person decides; a pending answer " +
  "means poll request-status with its id. list-egress shows what is allowed now.";

/** The bearer token check, in constant time (over digests, so lengths do not leak either). */
export function bearerMatches(header: string | null, token: string): boolean {
  if (header === null || !header.startsWith("Bearer ")) return false;
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(header.slice("Bearer ".length)), digest(token));
}

function jsonError(status: number, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }, { status, headers });
}

/**
 * Answers one HTTP request to the supervise MCP server (streamable HTTP, stateless:
 * a fresh SDK server and web-standard transport per request, as the SDK asks). Only
 * POST carries calls; a standalone GET stream has nothing to say here (405, as the
 * spec allows), so no stream is held open per client. The token lets the agent ask;
 * it grants nothing.
 */
export async function handleMcpRequest(
  request: Request,
  options: { token: string | undefined; client: string; supervisor: Supervisor; egress: () => Egress },
): Promise<Response> {
  // No token configured: fail closed rather than answer anyone on the network.
  if (options.token === undefined || options.token === "" || !bearerMatches(request.headers.get("authorization"), options.token)) {
    return jsonError(401, "bottle supervise: a valid bearer token is required", { "www-authenticate": "Bearer" });
  }
  if (request.method !== "POST") return jsonError(405, "bottle supervise: POST JSON-RPC messages here", { allow: "POST" });

  const server = new Server({ name: "bottle-supervise", version: VERSION }, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: toolDescriptions() }));
  server.setRequestHandler(CallToolRequestSchema, async (call, extra) => {
    const progressToken = call.params._meta?.progressToken;
    return callTool(call.params.name, call.params.arguments, options.supervisor, options.egress, {
      client: options.client,
      signal: extra.signal,
      progress: (waitedMs, totalMs, message) => {
        if (progressToken === undefined) return;
        extra
          .sendNotification({ method: "notifications/progress", params: { progressToken, progress: Math.round(waitedMs / 1000), total: Math.round(totalMs / 1000), message } })
          .catch(() => {});
      },
    });
  });
  // SSE comments every 5 s keep a 45 s wait alive through idle timeouts (Bun.serve's is 10 s by default in Bun 1.4.5).
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, keepAliveMs: 5_000, maxRequestBodySize: 256 * 1024 });
  await server.connect(transport);
  return transport.handleRequest(request);
}
