import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyWithPod } from "../../../../src/backend/kubernetes/copy-with-pod.ts";
import { processRunner } from "../../../../src/core/runner.ts";
import { hostExecKube, type HostExecCall } from "../../../helpers/host-exec-kube.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A "pod" folder (reached only through the exec stand-in) and a host folder. */
async function world() {
  const root = await mkdtemp(join(tmpdir(), "bottle-kube-cp-test-"));
  dirs.push(root);
  const pod = join(root, "pod");
  const host = join(root, "host");
  await mkdir(join(pod, "src"), { recursive: true });
  await mkdir(host);
  await writeFile(join(pod, "src", "app.ts"), "export const answer = 42;\n");
  await writeFile(join(pod, "notes.bin"), new Uint8Array([0, 255, 10, 13, 0x80, 1]));
  const calls: HostExecCall[] = [];
  return { pod, host, calls, client: hostExecKube(calls) };
}

describe("bottle cp on kubernetes: tar over the exec API", () => {
  test("out of the pod: a file, a folder, a folder's contents; binary bytes intact; docker cp's rules for where it lands", async () => {
    const { pod, host, calls, client } = await world();
    await copyWithPod(client, processRunner, "bottle-x-agent", { direction: "out", bottlePath: join(pod, "src/app.ts"), hostPath: join(host, "app.ts") });
    expect(await readFile(join(host, "app.ts"), "utf8")).toBe("export const answer = 42;\n");
    expect(calls[0]).toMatchObject({ pod: "bottle-x-agent", container: "agent", command: ["tar", "-C", join(pod, "src"), "-cf", "-", "app.ts"] });
    // A folder into an existing folder lands inside it.
    await copyWithPod(client, processRunner, "bottle-x-agent", { direction: "out", bottlePath: join(pod, "src"), hostPath: host });
    expect(await readFile(join(host, "src", "app.ts"), "utf8")).toBe("export const answer = 42;\n");
    // `/.`: the contents, into a new folder.
    await copyWithPod(client, processRunner, "bottle-x-agent", { direction: "out", bottlePath: `${pod}/.`, hostPath: join(host, "all") });
    expect([...(await readFile(join(host, "all", "notes.bin")))]).toEqual([0, 255, 10, 13, 0x80, 1]);
  });

  test("into the pod, unpacked there by the pod's own sh and tar; a missing path is an error naming the pod", async () => {
    const { pod, host, client } = await world();
    await writeFile(join(host, "patch.diff"), "+ a line\n");
    await copyWithPod(client, processRunner, "bottle-x-agent", { direction: "in", bottlePath: join(pod, "src"), hostPath: join(host, "patch.diff") });
    expect(await readFile(join(pod, "src", "patch.diff"), "utf8")).toBe("+ a line\n");
    await copyWithPod(client, processRunner, "bottle-x-agent", { direction: "in", bottlePath: join(pod, "renamed.diff"), hostPath: join(host, "patch.diff") });
    expect(await readFile(join(pod, "renamed.diff"), "utf8")).toBe("+ a line\n");
    const missing = copyWithPod(client, processRunner, "bottle-x-agent", { direction: "out", bottlePath: join(pod, "nope"), hostPath: join(host, "nope") });
    await expect(missing).rejects.toThrow(`bottle cp: packing ${join(pod, "nope")} failed in bottle-x-agent`);
    expect(existsSync(join(host, "nope"))).toBe(false);
    // `--cwd`'s copy: a folder's contents, dotfiles too, into the workspace.
    await mkdir(join(host, "project", "src"), { recursive: true });
    await writeFile(join(host, "project", ".env.example"), "A=1\n");
    await writeFile(join(host, "project", "src", "main.ts"), "main\n");
    await copyWithPod(client, processRunner, "bottle-x-agent", { direction: "in", bottlePath: `${pod}/.`, hostPath: `${join(host, "project")}/.` });
    expect(await readFile(join(pod, ".env.example"), "utf8")).toBe("A=1\n");
    expect(await readFile(join(pod, "src", "main.ts"), "utf8")).toBe("main\n");
    expect(await readFile(join(pod, "src", "app.ts"), "utf8")).toBe("export const answer = 42;\n");
    const nowhere = copyWithPod(client, processRunner, "bottle-x-agent", { direction: "in", bottlePath: join(pod, "no/such/dir/x"), hostPath: join(host, "patch.diff") });
    await expect(nowhere).rejects.toThrow("no such folder");
  });
});
