/**
 * The benchmark's origin: a 1 KiB answer on 127.0.0.1, printed port on stdout. Runs as
 * its own process so its CPU is not charged to the proxy being measured.
 */
const body = "x".repeat(1024);
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(body, { headers: { "content-type": "text/plain" } }) });
console.log(`port ${server.port}`);
