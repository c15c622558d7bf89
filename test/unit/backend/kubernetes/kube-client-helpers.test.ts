import { describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execExitCode, kubectlExec } from "../../../../src/backend/kubernetes/exec-in-pod.ts";
import { kubeconfigFiles, readKubeconfig } from "../../../../src/backend/kubernetes/kubeconfig-file.ts";
import { kubeNames } from "../../../../src/backend/kubernetes/kube-names.ts";
import { cpuQuantity, memoryQuantity } from "../../../../src/backend/kubernetes/quantity.ts";

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://cluster.example.test:6443" } }]
users: [{ name: u, user: { token: not-a-real-token } }]
contexts:
  - { name: dev, context: { cluster: c, user: u, namespace: agents } }
  - { name: bare, context: { cluster: c, user: u } }
current-context: dev
`;

describe("kubernetes helpers that need no cluster", () => {
  test("the kubeconfig's context and namespace are read from the file, the asked context winning", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bottle-kubeconfig-"));
    try {
      const file = join(dir, "config");
      await writeFile(file, KUBECONFIG);
      expect(readKubeconfig([file], undefined)).toEqual({ context: "dev", namespace: "agents", known: true });
      expect(readKubeconfig([file], "bare")).toEqual({ context: "bare", namespace: undefined, known: true });
      expect(readKubeconfig([file], "prod")).toEqual({ context: "prod", namespace: undefined, known: false });
      expect(readKubeconfig([join(dir, "missing")], undefined)).toEqual({ context: undefined, namespace: undefined });
      // KUBECONFIG's list, else ~/.kube/config; the target's file wins over both.
      expect(kubeconfigFiles({ kubeconfig: undefined }, { KUBECONFIG: `${file}:/elsewhere`, HOME: "/home/x" })).toEqual([file, "/elsewhere"]);
      expect(kubeconfigFiles({ kubeconfig: undefined }, { HOME: "/home/x" })).toEqual(["/home/x/.kube/config"]);
      expect(kubeconfigFiles({ kubeconfig: file }, { KUBECONFIG: "/elsewhere" })).toEqual([file]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("kubectl exec names the same kubeconfig, context and namespace, a TTY only when asked", () => {
    expect(kubectlExec({ kubeconfig: "/k", context: "dev" }, "agents", "bottle-a-agent", ["claude"], { interactive: true, tty: true })).toEqual([
      "kubectl", "--kubeconfig", "/k", "--context", "dev", "--namespace", "agents", "exec", "--stdin", "--tty", "bottle-a-agent", "--container", "agent", "--", "claude",
    ]);
    expect(kubectlExec({ kubeconfig: undefined, context: undefined }, "default", "p", ["sh", "-c", "exit 3"], { interactive: false, tty: false })).toEqual([
      "kubectl", "--namespace", "default", "exec", "p", "--container", "agent", "--", "sh", "-c", "exit 3",
    ]);
  });

  test("an exec's final status gives the exit code", () => {
    expect(execExitCode({ status: "Success" })).toBe(0);
    expect(execExitCode({ status: "Failure", reason: "NonZeroExitCode", details: { causes: [{ reason: "ExitCode", message: "7" }] } })).toBe(7);
    expect(execExitCode({ status: "Failure", message: "container not found" })).toBe(1);
  });

  test("docker sizes become binary Kubernetes quantities; CPUs become cores or millicores", () => {
    expect(["512m", "4g", "4GiB", "4gb", "1.5g", "100b", "2048", "64k", "lots"].map(memoryQuantity)).toEqual(["512Mi", "4Gi", "4Gi", "4Gi", "1.5Gi", "100", "2048", "64Ki", undefined]);
    expect([2, 0.5, 1.25, 0.1].map(cpuQuantity)).toEqual(["2", "500m", "1250m", "100m"]);
  });

  test("names stay valid for the longest identity, with '_' and '.' in the agent's name", () => {
    const agent = `a_b.c${"x".repeat(35)}`;
    const names = kubeNames(`${agent}-abcdefgh`);
    expect(names.service.length).toBeLessThanOrEqual(63);
    expect(names.service).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    for (const name of [names.gatePod, names.agentPod, names.workspace, names.home, ...Object.values(names.policies)]) expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});
