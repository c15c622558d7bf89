import { expect, test } from "bun:test";
import { hostDoctorDeps } from "../../../src/core/doctor/host-doctor-deps.ts";
import { runDoctor } from "../../../src/core/doctor/run-doctor.ts";
import { processRunner } from "../../../src/core/runner.ts";
import { describeEngine } from "../../helpers/engine.ts";
import { BASE_IMAGE, ensureBaseImage } from "../../helpers/images.ts";
import { allBackends } from "../../../src/backend/select.ts";

describeEngine("bottle doctor against the real engine", () => {
  test("finds the docker CLI, the engine, runc and the base image, and is ok", async () => {
    await ensureBaseImage();
    const report = await runDoctor(hostDoctorDeps(processRunner, process.env, BASE_IMAGE), allBackends());
    const checks = Object.fromEntries(report.checks.map((check) => [check.name, check]));
    expect(checks.docker).toMatchObject({ status: "ok" });
    expect(checks.docker?.summary).toStartWith("Docker version ");
    expect(checks.engine?.status).toBe("ok");
    expect(checks.engine?.summary).toMatch(/^Docker Engine \d+\.\d+/);
    expect(checks.runtimes?.summary).toContain("runc");
    expect(checks["base-image"]).toMatchObject({ status: "ok", summary: `${BASE_IMAGE} is present` });
    expect(checks.disk?.summary).toContain(" free for ");
    expect(report.ok).toBe(true);
  });

  test("an unreachable engine fails with the cause, not a stack", async () => {
    const env = { ...process.env, DOCKER_HOST: "unix:///nonexistent/bottle-doctor.sock" };
    // The runner passes `env` on to docker, which is how DOCKER_HOST reaches it.
    const runner = {
      run: (argv: readonly string[], options = {}) => processRunner.run(argv, { ...options, env: { DOCKER_HOST: env.DOCKER_HOST } }),
      start: processRunner.start,
    };
    const report = await runDoctor(hostDoctorDeps(runner, env, BASE_IMAGE), allBackends());
    expect(report.ok).toBe(false);
    const engine = report.checks.find((check) => check.name === "engine");
    expect(engine).toMatchObject({ status: "fail", summary: "the Docker engine is not running" });
  });
});
