import { describe, expect, test } from "bun:test";
import { explainEngineFailure } from "../../../../src/core/doctor/check-engine.ts";
import { parseRuntimes } from "../../../../src/core/doctor/check-runtimes.ts";
import type { DoctorDeps } from "../../../../src/core/doctor/doctor-check.ts";
import { doctorReportJson, formatDoctorReport } from "../../../../src/core/doctor/format-doctor-report.ts";
import { runDoctor } from "../../../../src/core/doctor/run-doctor.ts";
import { BottleError } from "../../../../src/core/errors.ts";
import type { Runner } from "../../../../src/core/runner.ts";
import { recordingRunner, type Reply } from "../../../helpers/recording-runner.ts";
import { allBackends } from "../../../../src/backend/select.ts";

const GIB = 1024 ** 3;
const HEALTHY: Reply[] = [
  { match: /^docker --version$/, stdout: "Docker version 28.2.2, build e6534b4\n" },
  { match: /^docker version --format/, stdout: "20.10.24\n" },
  { match: /^docker info --format/, stdout: '{"runc":{"path":"runc"},"io.containerd.runc.v2":{"path":"runc"}}\n' },
  { match: /^smolvm --version$/, stdout: "smolvm 0.4.0\n" },
];

/** A runner where some programs are not installed: it rejects like processRunner does. */
function withMissing(runner: Runner, ...missing: string[]): Runner {
  const gone = (argv: readonly string[]) => missing.includes(argv[0] ?? "");
  const error = (argv: readonly string[]) => new BottleError(`\`${argv[0]}\` is not installed or not on PATH`);
  return {
    run: async (argv, options) => (gone(argv) ? Promise.reject(error(argv)) : runner.run(argv, options)),
    start: (argv, options) => {
      if (gone(argv)) throw error(argv);
      return runner.start(argv, options);
    },
  };
}

function deps(runner: Runner, overrides: Partial<DoctorDeps> = {}): DoctorDeps {
  return {
    runner,
    baseImage: "bottle-base:bookworm",
    stateDir: "/home/u/.local/state/bottle",
    canReadWrite: async () => true,
    exists: async () => true,
    freeBytes: async () => 50 * GIB,
    ...overrides,
  };
}

const byName = (report: Awaited<ReturnType<typeof runDoctor>>) => Object.fromEntries(report.checks.map((check) => [check.name, check]));

describe("runDoctor", () => {
  test("a healthy machine is ok, and each check says what it found", async () => {
    const { runner, calls } = recordingRunner(HEALTHY);
    const report = await runDoctor(deps(runner), allBackends());
    expect(report.ok).toBe(true);
    const checks = byName(report);
    expect(checks.docker).toMatchObject({ status: "ok", summary: "Docker version 28.2.2, build e6534b4" });
    expect(checks.engine).toMatchObject({ status: "ok", summary: "Docker Engine 20.10.24" });
    expect(checks.smolvm).toMatchObject({ status: "ok", summary: "smolvm 0.4.0" });
    expect(checks.kvm?.status).toBe("ok");
    expect(checks.disk).toMatchObject({ status: "ok", summary: "50.0 GiB free for /home/u/.local/state/bottle" });
    // Every engine command has a deadline: a hung engine must not hang doctor.
    for (const call of calls) expect(call.options.timeoutMs).toBeGreaterThan(0);
  });

  test("without gVisor, runtimes warn and the report stays ok", async () => {
    const report = await runDoctor(deps(recordingRunner(HEALTHY).runner), allBackends());
    const runtimes = byName(report).runtimes!;
    expect(runtimes.status).toBe("warn");
    expect(runtimes.summary).toBe("runc (no gVisor: runtime auto uses runc)");
    expect(runtimes.hint).toContain("gvisor");
    expect(report.ok).toBe(true);
  });

  test("with runsc registered, runtimes are ok", async () => {
    const { runner } = recordingRunner([
      { match: /^docker info/, stdout: '{"runc":{},"runsc":{"path":"/usr/bin/runsc"}}' },
      ...HEALTHY,
    ]);
    expect(byName(await runDoctor(deps(runner), allBackends())).runtimes).toMatchObject({ status: "ok", summary: "runc, runsc (gVisor available: runtime auto uses runsc)" });
  });

  test("an engine that is not running fails with the cause and how to start it", async () => {
    const { runner, calls } = recordingRunner([
      {
        match: /^docker version/,
        exitCode: 1,
        stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n",
      },
      ...HEALTHY,
    ]);
    const report = await runDoctor(deps(runner), allBackends());
    expect(report.ok).toBe(false);
    expect(byName(report).engine).toEqual({
      name: "engine",
      status: "fail",
      summary: "the Docker engine is not running",
      hint: "start it: `sudo systemctl start docker` or `sudo dockerd &`",
    });
    // Runtimes would only repeat the engine's failure.
    expect(byName(report).runtimes).toBeUndefined();
    expect(calls.some((call) => call.argv[1] === "info")).toBe(false);
  });

  test("a missing docker CLI fails both docker checks without calling the engine", async () => {
    const recorder = recordingRunner(HEALTHY);
    const report = await runDoctor(deps(withMissing(recorder.runner, "docker")), allBackends());
    expect(report.ok).toBe(false);
    expect(byName(report).docker).toMatchObject({ status: "fail", summary: "the docker CLI is not installed or not on PATH" });
    expect(byName(report).docker?.hint).toContain("apt-get install docker.io");
    expect(byName(report).engine).toMatchObject({ status: "fail", summary: "skipped: no docker CLI" });
  });

  test("missing smolvm, /dev/kvm and low disk are warnings, not failures", async () => {
    const report = await runDoctor(
      deps(withMissing(recordingRunner(HEALTHY).runner, "smolvm"), {
        canReadWrite: async () => false,
        exists: async () => false,
        freeBytes: async () => GIB,
      }), allBackends());
    expect(report.ok).toBe(true);
    const checks = byName(report);
    expect(checks.smolvm).toMatchObject({ status: "warn" });
    expect(checks.kvm).toMatchObject({ status: "warn", summary: "no /dev/kvm (only the smolmachines backend needs it)" });
    expect(checks.disk).toMatchObject({ status: "warn", summary: "1.0 GiB free for /home/u/.local/state/bottle" });
  });

  test("the base image is looked up on the engine; a missing one warns with how to make it", async () => {
    const present = recordingRunner(HEALTHY);
    expect(byName(await runDoctor(deps(present.runner), allBackends()))["base-image"]).toMatchObject({ status: "ok", summary: "bottle-base:bookworm is present" });
    expect(present.calls.map((call) => call.argv.join(" "))).toContain("docker image inspect --format {{.Id}} bottle-base:bookworm");

    const missing: Reply = { match: /^docker image inspect/, exitCode: 1, stderr: "Error: No such image: bottle-base:bookworm" };
    const report = await runDoctor(deps(recordingRunner([missing, ...HEALTHY]).runner), allBackends());
    expect(report.ok).toBe(true);
    expect(byName(report)["base-image"]).toMatchObject({ status: "warn", summary: "bottle-base:bookworm is not on the engine: the first start pulls it for the default agent image" });
    expect(byName(report)["base-image"]?.hint).toContain("scripts/base-image.sh");
  });

  test("a state folder whose disk cannot be measured is a warning", async () => {
    const freeBytes = async () => Promise.reject(new Error("EACCES: permission denied"));
    const report = await runDoctor(deps(recordingRunner(HEALTHY).runner, { freeBytes }), allBackends());
    expect(report.ok).toBe(true);
    expect(byName(report).disk).toMatchObject({ status: "warn" });
    expect(byName(report).disk?.summary).toContain("EACCES");
  });

  test("a /dev/kvm the user may not open says how to join the kvm group", async () => {
    const report = await runDoctor(deps(recordingRunner(HEALTHY).runner, { canReadWrite: async () => false }), allBackends());
    expect(byName(report).kvm).toMatchObject({ status: "warn", summary: "/dev/kvm exists but you may not use it" });
    expect(byName(report).kvm?.hint).toContain("kvm group");
  });
});

describe("explainEngineFailure", () => {
  test("names a socket the user may not open", () => {
    const stderr = "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock";
    expect(explainEngineFailure(stderr).hint).toContain("usermod -aG docker");
  });

  test("names a hung engine", () => {
    expect(explainEngineFailure("", true).summary).toContain("did not answer within");
  });

  test("repeats an unknown error's last line", () => {
    expect(explainEngineFailure("first\nsomething odd\n").summary).toBe("the Docker engine did not answer: something odd");
  });
});

describe("parseRuntimes", () => {
  test("lists runtime names, and none for anything unexpected", () => {
    expect(parseRuntimes('{"runsc":{},"runc":{}}')).toEqual(["runc", "runsc"]);
    for (const odd of ["", "null", "[]", "not json", '"runc"']) expect(parseRuntimes(odd)).toEqual([]);
  });
});

describe("the report", () => {
  test("--json is an object keyed by check", async () => {
    const report = await runDoctor(deps(recordingRunner(HEALTHY).runner), allBackends());
    const json = doctorReportJson(report) as { ok: boolean; checks: Record<string, { status: string; summary: string }> };
    expect(json.ok).toBe(true);
    expect(Object.keys(json.checks)).toEqual(["docker", "engine", "engine-location", "runtimes", "base-image", "smolvm", "kvm", "kubeconfig", "disk"]);
    expect(json.checks.engine).toEqual({ status: "ok", summary: "Docker Engine 20.10.24" });
  });

  test("for people, a failing check shows its hint and the verdict says to fix it", async () => {
    const failing: Reply = { match: /^docker version/, exitCode: 1, stderr: "Cannot connect to the Docker daemon" };
    const { runner } = recordingRunner([failing, ...HEALTHY]);
    const text = formatDoctorReport(await runDoctor(deps(runner), allBackends()));
    expect(text).toMatch(/FAIL  engine +the Docker engine is not running\n/);
    expect(text).toContain("hint: start it: `sudo systemctl start docker`");
    expect(text.trimEnd().split("\n").at(-1)).toBe("bottle cannot run agents with the docker backend yet: fix the FAIL lines above.");
  });
});
