/**
 * `/healthz` latencies from a process of its own: `bun bench/proxy/probe-health.ts
 * PROXY_PORT CONTROL_PORT MS` asks `/healthz` on both ports every 20 ms for MS
 * milliseconds and prints the latencies as JSON. `hostile.ts` runs it beside its load:
 * probing from the process that also writes 8 clients' 1 MiB bodies timed that
 * process's own event loop as much as the gate's.
 */
export {};

const [proxyPort, controlPort, ms] = process.argv.slice(2).map(Number);

async function probe(url: string): Promise<number> {
  const started = performance.now();
  await fetch(url).then((response) => response.arrayBuffer());
  return performance.now() - started;
}

const out = { proxy: [] as number[], control: [] as number[] };
const deadline = performance.now() + (ms ?? 2000);
while (performance.now() < deadline) {
  out.proxy.push(await probe(`http://127.0.0.1:${proxyPort}/healthz`));
  out.control.push(await probe(`http://127.0.0.1:${controlPort}/healthz`));
  await Bun.sleep(20);
}
console.log(JSON.stringify(out));
