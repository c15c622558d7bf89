/**
 * The benchmark's origin: a 1 KiB answer on 127.0.0.1 over plain HTTP, and over TLS
 * when `BENCH_TLS_CERT`/`BENCH_TLS_KEY` name a certificate (for requests inside CONNECT
 * tunnels, which carry only TLS). Prints `port P tls T`. Runs as its own process so
 * its CPU is not charged to the proxy being measured.
 */
const body = "x".repeat(1024);
const answer = () => new Response(body, { headers: { "content-type": "text/plain" } });
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: answer });
const cert = process.env.BENCH_TLS_CERT;
const key = process.env.BENCH_TLS_KEY;
const secure = cert && key ? Bun.serve({ hostname: "127.0.0.1", port: 0, tls: { cert: Bun.file(cert), key: Bun.file(key) }, fetch: answer }) : undefined;
console.log(`port ${server.port} tls ${secure?.port ?? 0}`);
