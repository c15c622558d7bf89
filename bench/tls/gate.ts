/**
 * The benchmark's gate, as its own process: the real `startGate` with TLS inspection
 * on, `*.bench.test` resolving to 127.0.0.1 (so every name is a new host to mint a
 * leaf for without touching /etc/hosts or DNS), and the origin's CA as an extra CA.
 * `passthrough.bench.test` is tunnelled. Prints `gate listening on PORT`. With `-` for
 * ORIGIN_CA the gate trusts what its NODE_EXTRA_CA_CERTS names instead, as in its
 * container (no `ca` option on each upstream fetch).
 *
 *   bun bench/tls/gate.ts ORIGIN_CA|- AUDIT_FILE ORIGIN_PORT
 */
import { readFileSync } from "node:fs";
import * as v from "valibot";
import { GateConfigSchema } from "../../src/gate/config-schema.ts";
import { startGate } from "../../src/gate/serve-gate.ts";

const [originCa, audit, originPort] = process.argv.slice(2);
const config = v.parse(GateConfigSchema, {
  listen: "127.0.0.1:0",
  audit,
  egress: {
    // Tunnels reach 443 unless an entry names ports: the origin's is a free one.
    allow: [`*.bench.test:${originPort}`],
    allow_cidrs: ["127.0.0.0/8"],
    tls: { inspect: true, passthrough: ["passthrough.bench.test"] },
    dlp: { action: "block" },
  },
});
const gate = await startGate(config, {}, {
  lookup: async (host) => {
    if (host.endsWith(".bench.test")) return ["127.0.0.1"];
    throw new Error(`ENOTFOUND ${host}`);
  },
  ...(originCa === "-" ? {} : { upstreamCa: [readFileSync(originCa!, "utf8")] }),
});
console.log(`gate listening on ${gate.port}`);
