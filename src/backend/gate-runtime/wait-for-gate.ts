import { setTimeout as sleep } from "node:timers/promises";
import { BottleError } from "../../core/errors.ts";
import type { Runner } from "../../core/runner.ts";

/** How long the gate may take to answer `/healthz`. By default, 30 s (a cold 2-core host). */
export const GATE_READY_MS = 30_000;

/**
 * Waits for the gate's `/healthz` with a deadline. The probe goes from the host to the
 * gate's address on the bottle's egress bridge: no port is published (nothing else on
 * the host should reach a gate that injects credentials) and no process is spawned per
 * attempt. On Linux the host routes to every bridge; Docker Desktop and remote engines
 * (`DOCKER_HOST=ssh://…`) do not, and are not supported by this probe yet.
 * On failure the error carries the gate's last log lines.
 */
export async function waitForGate(
  runner: Runner,
  options: {
    gate: string;
    network: string;
    port: number;
    deadlineMs?: number;
    signal?: AbortSignal | undefined;
    log: (line: string) => void;
    /** The gate's address on each network, its engine's own way (the API); by default, `docker inspect`. */
    networks?: () => Promise<Record<string, { IPAddress?: string | undefined }>>;
  },
): Promise<string> {
  const inspected = async () => JSON.parse((await runner.run(["docker", "inspect", "--format", "{{json .NetworkSettings.Networks}}", options.gate])).stdout) as Record<string, { IPAddress?: string }>;
  const networks = options.networks === undefined ? await inspected() : await options.networks().catch(inspected);
  // No address: the gate already exited (a bad config, a crash); its logs say why.
  const address = networks[options.network]?.IPAddress;
  const url = `http://${address}:${options.port}/healthz`;
  const deadline = Date.now() + (options.deadlineMs ?? GATE_READY_MS);
  let attempt = 0;
  let checked = Date.now();
  while (address && Date.now() < deadline) {
    if (options.signal?.aborted) throw new BottleError("interrupted while waiting for the gate", { exitCode: 130 });
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return url;
    } catch {
      // Not listening yet.
    }
    // Every ~2 s, check the gate did not exit: a crash should fail now, not at the deadline.
    if (Date.now() - checked >= 2_000) {
      checked = Date.now();
      const state = await runner.run(["docker", "inspect", "--format", "{{.State.Running}}", options.gate], { check: false });
      if (state.stdout.trim() !== "true") break;
    }
    // A refused connection costs the host next to nothing: often at first, when the gate is about to listen.
    await sleep(++attempt < 50 ? 10 : 50);
  }
  // Captured now: the launch's unwinding removes the container right after this throws.
  const logs = await runner.run(["docker", "logs", "--tail", "20", options.gate], { check: false });
  const lines = `${logs.stdout}${logs.stderr}`.trim();
  if (lines !== "") options.log(`gate ${options.gate}, last log lines:\n${lines}`);
  const polled = address ? `GET ${url}` : `it has no address on network ${options.network}: it exited at once`;
  throw new BottleError(`the gate ${options.gate} did not become ready (${polled})`, {
    hint: lines === "" ? "it wrote no log lines; run `bottle doctor`" : "its last log lines are above",
  });
}
