import { BottleError } from "../../core/errors.ts";
import type { Runner } from "../../core/runner.ts";
import { GATE_CONFIG_MOUNT } from "./gate-config.ts";
import { GATE_READY_MS } from "./wait-for-gate.ts";

/** Where the bottle binary is in the gate's image. */
export const GATE_BINARY = "/usr/local/bin/bottle";

/**
 * Waits for the gate's `/healthz` from inside its container: one `docker exec` of the
 * gate binary's own probe (`bottle gate probe`), which polls on the container's loopback
 * until ready. For engines whose bridge addresses this host does not route (a remote
 * engine over `tcp://` or `ssh://`, Docker Desktop, rootless): nothing is reached from
 * the CLI's host but the engine's API. On failure the error carries the gate's last
 * log lines, as the bridge probe's does.
 */
export async function probeGate(
  runner: Runner,
  options: { gate: string; deadlineMs?: number; signal?: AbortSignal | undefined; log: (line: string) => void },
): Promise<void> {
  const seconds = (options.deadlineMs ?? GATE_READY_MS) / 1000;
  const result = await runner.run(
    ["docker", "exec", options.gate, GATE_BINARY, "gate", "probe", "--config", GATE_CONFIG_MOUNT, "--wait", String(seconds)],
    // The probe ends itself at its deadline; this only bounds an engine that stops answering.
    { check: false, signal: options.signal, timeoutMs: (seconds + 30) * 1000 },
  );
  if (options.signal?.aborted) throw new BottleError("interrupted", { exitCode: 130 });
  if (result.exitCode === 0) return;
  const logs = await runner.run(["docker", "logs", "--tail", "20", options.gate], { check: false });
  const lines = `${logs.stdout}${logs.stderr}`.trim();
  if (lines !== "") options.log(`gate ${options.gate}, last log lines:\n${lines}`);
  const why = result.stderr.trim().split("\n").pop()?.trim();
  throw new BottleError(`the gate did not become ready (its probe in ${options.gate}${why ? `: ${why}` : ""})`, {
    hint: `its last log lines are above; \`docker logs ${options.gate}\` shows more while it exists`,
  });
}
