import { afterAll, beforeAll } from "bun:test";
import { GATE_PORT } from "../../src/backend/gate-runtime/gate-config.ts";

/** The CA certificate the fake gate serves: by default a bottle's HTTPS is inspected,
 * so launch installs the gate's CA in the agent. */
export const FAKE_CA = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";

/**
 * A loopback address of its own that answers the gate's `/healthz` and `/tls/ca.pem`
 * on the gate's port, for the recorded docker tests (no engine): their scripted
 * `docker inspect` names it as the gate's address. Served while the calling file's
 * tests run; `address` is set before the first.
 */
export function serveFakeGate(): { readonly address: string } {
  const gate = { address: "" };
  let health: ReturnType<typeof Bun.serve> | undefined;
  beforeAll(() => {
    for (let attempt = 0; health === undefined && attempt < 20; attempt++) {
      gate.address = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
      try {
        health = Bun.serve({ hostname: gate.address, port: GATE_PORT, fetch: (request) => new Response(new URL(request.url).pathname === "/tls/ca.pem" ? FAKE_CA : "ok") });
      } catch {
        health = undefined;
      }
    }
    if (health === undefined) throw new Error(`no loopback address could listen on ${GATE_PORT}`);
  });
  afterAll(() => health?.stop(true));
  return gate;
}
