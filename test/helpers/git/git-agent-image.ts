import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { lddLibraries } from "../../../src/backend/images/gate-image.ts";
import { processRunner } from "../../../src/core/runner.ts";
import { BUSYBOX_IMAGE, ensureBusyboxImage } from "../images.ts";

/** A small agent image: the busybox test image plus this host's git and its http helper. */
export const GIT_AGENT_IMAGE = "bottle-test-git-agent:1";

let building: Promise<string> | undefined;

/**
 * Builds {@link GIT_AGENT_IMAGE} once per test process (nothing pulled): busybox for
 * the shell and tools, git and `git-remote-http` copied from the host with the
 * libraries `ldd` names.
 */
export function ensureGitAgentImage(): Promise<string> {
  building ??= (async () => {
    const exists = await processRunner.run(["docker", "image", "inspect", GIT_AGENT_IMAGE], { check: false });
    if (exists.exitCode === 0) return GIT_AGENT_IMAGE;
    await ensureBusyboxImage();
    const context = await mkdtemp(join(tmpdir(), "bottle-git-agent-"));
    try {
      const place = async (path: string) => {
        await mkdir(join(context, "rootfs", dirname(path)), { recursive: true });
        await copyFile(path, join(context, "rootfs", path));
      };
      const programs = ["/usr/bin/git", "/usr/lib/git-core/git-remote-http"];
      const libraries = new Set<string>();
      for (const program of programs) {
        await place(program);
        for (const library of lddLibraries((await processRunner.run(["ldd", program])).stdout)) libraries.add(library);
      }
      for (const library of libraries) await place(library);
      await writeFile(join(context, "Dockerfile"), `FROM ${BUSYBOX_IMAGE}\nCOPY rootfs/ /\n`);
      await processRunner.run(["docker", "build", "-q", "-t", GIT_AGENT_IMAGE, context], { timeoutMs: 300_000 });
    } finally {
      await rm(context, { recursive: true, force: true });
    }
    return GIT_AGENT_IMAGE;
  })();
  return building;
}
