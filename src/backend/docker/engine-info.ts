import { BottleError } from "../../core/errors.ts";
import type { Runner } from "../../core/runner.ts";

/** What prepare needs to know about the engine. */
export interface EngineInfo {
  /** Runtimes the daemon has registered (`runc`, `runsc`, …). */
  runtimes: string[];
}

/**
 * Asks the engine for its runtimes; one `docker info` call also proves the engine runs.
 * A missing engine becomes one line with the fix, never the client's multi-line dump.
 */
export async function engineInfo(runner: Runner): Promise<EngineInfo> {
  const result = await runner.run(["docker", "info", "--format", "{{json .Runtimes}}"], { check: false, timeoutMs: 30_000 });
  if (result.exitCode !== 0 || result.stdout.trim() === "" || result.stdout.trim() === "null") {
    const detail = result.stderr.trim().split("\n").find((line) => line.trim() !== "")?.trim();
    throw new BottleError(`the Docker engine is not running or not reachable${detail ? ` (${detail.replace(/^ERROR:\s*/, "")})` : ""}`, {
      hint: "start it (`sudo systemctl start docker`, `sudo dockerd &`, or open Docker Desktop), then run `bottle doctor`",
    });
  }
  const runtimes = JSON.parse(result.stdout) as Record<string, unknown>;
  return { runtimes: Object.keys(runtimes) };
}
