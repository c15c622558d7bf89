import { describe, expect, test } from "bun:test";
import { ensureSmolmachinesAvailable } from "../../../../src/backend/smolmachines/availability.ts";
import { BottleError } from "../../../../src/core/errors.ts";
import type { Runner } from "../../../../src/core/runner.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";

const smolvmOk = () => recordingRunner([{ match: /^smolvm --version$/, stdout: "smolvm 1.9.2\n" }]).runner;
const host = (runner: Runner, kvm: "rw" | "ro" | "missing") => ({
  runner,
  canReadWrite: async () => kvm === "rw",
  exists: async () => kvm !== "missing",
});

async function failure(run: Promise<void>): Promise<BottleError> {
  const error = await run.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(BottleError);
  return error as BottleError;
}

describe("smolmachines availability: smolvm --version and a read-write /dev/kvm", () => {
  test("both there: available", async () => {
    const runner = smolvmOk();
    await ensureSmolmachinesAvailable({ runner, env: {} }, host(runner, "rw"), "linux");
  });

  test("smolvm missing: one line and the fix", async () => {
    const runner: Runner = { run: () => Promise.reject(new BottleError("`smolvm` is not installed or not on PATH")), start: () => { throw new Error("unused"); } };
    const error = await failure(ensureSmolmachinesAvailable({ runner, env: {} }, host(runner, "rw"), "linux"));
    expect(error.message).toBe("the smolmachines backend cannot run here: smolvm is not installed (only `--backend smolmachines` needs it)");
    expect(error.message).not.toContain("\n");
    expect(error.hint).toContain("install smolvm");
  });

  test("smolvm broken: says which command failed", async () => {
    const runner = recordingRunner([{ match: /^smolvm --version$/, exitCode: 1, stderr: "Error: boom" }]).runner;
    const error = await failure(ensureSmolmachinesAvailable({ runner, env: {} }, host(runner, "rw"), "linux"));
    expect(error.message).toContain("`smolvm --version` failed (exit 1)");
  });

  test("no /dev/kvm, or one this user may not open: each with its own fix", async () => {
    const missing = await failure(ensureSmolmachinesAvailable({ runner: smolvmOk(), env: {} }, host(smolvmOk(), "missing"), "linux"));
    expect(missing.message).toContain("no /dev/kvm");
    expect(missing.hint).toContain("modprobe kvm");
    const readOnly = await failure(ensureSmolmachinesAvailable({ runner: smolvmOk(), env: {} }, host(smolvmOk(), "ro"), "linux"));
    expect(readOnly.message).toContain("/dev/kvm exists but you may not use it");
    expect(readOnly.hint).toContain("kvm group");
  });

  test("macOS has no /dev/kvm to check", async () => {
    const runner = smolvmOk();
    await ensureSmolmachinesAvailable({ runner, env: {} }, host(runner, "missing"), "darwin");
  });
});
