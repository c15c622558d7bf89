import { parseListen, type GateConfig } from "../config-schema.ts";

/**
 * Where a gate answers `/healthz` from inside its own container: the control port when
 * the config has one, else the proxy port; a wildcard listen address is asked on
 * loopback.
 */
export function healthUrl(config: Pick<GateConfig, "listen" | "control">): string {
  const { host, port } = parseListen(config.control ?? config.listen);
  const local = host === "0.0.0.0" || host === "::" || host === "" ? "127.0.0.1" : host;
  return `http://${local.includes(":") ? `[${local}]` : local}:${port}/healthz`;
}

/**
 * `bottle gate probe`: waits until the gate described by `config` answers `/healthz`
 * with 200, polling every 25 ms, and resolves true; false once `deadlineMs` passed.
 * Backends run it with `docker exec` inside the gate's container, so readiness is known
 * without reaching the gate's address from the CLI's host (a remote engine, Docker
 * Desktop): one round trip to the engine, however long the gate takes.
 */
export async function probeHealth(config: Pick<GateConfig, "listen" | "control">, deadlineMs: number): Promise<boolean> {
  const url = healthUrl(config);
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return true;
    } catch {
      // Not listening yet.
    }
    if (Date.now() >= deadline) return false;
    await Bun.sleep(25);
  }
}
