import { describe } from "bun:test";
import { processRunner } from "../../src/core/runner.ts";

/**
 * True when a Docker engine answers. Integration tests skip without one, except when
 * `BOTTLE_REQUIRE_ENGINE=1` (CI): then a missing engine is a failure, not a skip.
 */
export async function engineAvailable(): Promise<boolean> {
  const result = await processRunner
    .run(["docker", "version", "--format", "{{.Server.Version}}"], { check: false, timeoutMs: 15_000 })
    .catch(() => undefined);
  const up = result?.exitCode === 0;
  if (!up && process.env.BOTTLE_REQUIRE_ENGINE === "1") {
    throw new Error("BOTTLE_REQUIRE_ENGINE=1 but no Docker engine answers `docker version`");
  }
  return up;
}

const available = await engineAvailable();

/** `describe` that runs only with an engine (and fails without one under BOTTLE_REQUIRE_ENGINE=1). */
export const describeEngine = available ? describe : describe.skip;
