/**
 * The benchmark's HTTPS origin: Bun.serve with a certificate for `*.bench.test`,
 * answering 1 KiB with Content-Length, and echoing WebSocket messages on `/ws`.
 * Prints `origin listening on PORT`.
 *
 *   bun bench/tls/origin.ts CERT KEY
 */
import { readFileSync } from "node:fs";

const [cert, key] = process.argv.slice(2);
const body = "x".repeat(1024);
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  tls: { cert: readFileSync(cert!, "utf8"), key: readFileSync(key!, "utf8") },
  fetch: (request, server) => {
    if (new URL(request.url).pathname === "/ws" && server.upgrade(request)) return undefined;
    return new Response(body, { headers: { "content-type": "text/plain" } });
  },
  websocket: { message: (ws, message) => void ws.send(message) },
});
console.log(`origin listening on ${server.port}`);
