import { describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { availability, doctor } from "../../../../src/backend/kubernetes/doctor.ts";
import type { DoctorDeps } from "../../../../src/core/doctor/doctor-check.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";
import { formatDoctorReport } from "../../../../src/core/doctor/format-doctor-report.ts";
import { runDoctor } from "../../../../src/core/doctor/run-doctor.ts";
import { selectBackend } from "../../../../src/backend/select.ts";

// A cluster at a loopback port nothing listens on: the API check must fail, nothing leaves the host.
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]
users: [{ name: u, user: { token: not-a-real-token } }]
contexts: [{ name: dev, context: { cluster: c, user: u, namespace: agents } }]
current-context: dev
`;

function deps(env: Record<string, string | undefined> | undefined): DoctorDeps {
  const base: DoctorDeps = { runner: recordingRunner().runner, baseImage: "x", stateDir: "/nonexistent", canReadWrite: async () => true, exists: async () => false, freeBytes: async () => 1e12 };
  return env === undefined ? base : { ...base, env };
}

describe("kubernetes doctor and availability", () => {
  test("with a kubeconfig: its context, the API server that does not answer, NetworkPolicy enforcement unknown", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bottle-kube-doctor-"));
    try {
      const file = join(dir, "config");
      await writeFile(file, KUBECONFIG);
      const env = { BOTTLE_KUBECONFIG: file };
      const checks = await doctor(deps(env));
      expect(checks.map((check) => [check.name, check.status])).toEqual([["kubeconfig", "ok"], ["kubernetes-api", "warn"], ["networkpolicy", "warn"]]);
      expect(checks[0]!.summary).toBe(`${file}, context dev`);
      expect(checks[1]!.summary).toContain("did not answer");
      expect(checks[2]!.summary).toContain("unknown");
      expect(await availability({ env })).toEqual({ usable: true });
      // --context naming one the file lacks is not usable.
      expect((await availability({ env: { ...env, BOTTLE_KUBERNETES_CONTEXT: "prod" } })).usable).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("without a kubeconfig: one warning, no cluster asked; not offered by the picker", async () => {
    const none = { HOME: "/nonexistent-home", KUBECONFIG: "" };
    expect((await doctor(deps(none))).map((check) => [check.name, check.status])).toEqual([["kubeconfig", "warn"]]);
    expect(await doctor(deps(undefined))).toHaveLength(1);
    expect(await availability({ env: none })).toEqual({ usable: false, reason: "no kubeconfig (set KUBECONFIG or BOTTLE_KUBECONFIG)" });
  });

  test("doctor --backend kubernetes: only its own checks and disk, and a verdict about kubernetes, not docker", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bottle-kube-doctor-"));
    try {
      const file = join(dir, "config");
      await writeFile(file, KUBECONFIG);
      const { runner, calls } = recordingRunner();
      const backends = [selectBackend("kubernetes")];
      // The API server does not answer: the backend cannot run, and the verdict says why.
      const down = await runDoctor({ ...deps({ BOTTLE_KUBECONFIG: file }), runner }, backends);
      expect(down.checks.map((check) => check.name)).toEqual(["kubeconfig", "kubernetes-api", "networkpolicy", "disk"]);
      expect(down.ok).toBe(false);
      const text = formatDoctorReport(down);
      expect(text).not.toContain("docker");
      expect(text.trimEnd().split("\n").at(-1)).toMatch(/^bottle cannot run agents with the kubernetes backend yet: the API server did not answer/);
      // No kubeconfig at all: not "can run agents" either.
      const none = await runDoctor({ ...deps({ HOME: "/nonexistent-home", KUBECONFIG: "" }), runner }, backends);
      expect(none.ok).toBe(false);
      expect(formatDoctorReport(none).trimEnd().split("\n").at(-1)).toBe("bottle cannot run agents with the kubernetes backend yet: no kubeconfig context (only `--backend kubernetes` needs one).");
      // Nothing of docker's was asked.
      expect(calls.filter((call) => call.argv[0] === "docker")).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
