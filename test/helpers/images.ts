import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extraCaCerts } from "../../src/backend/images/agent-image.ts";
import { processRunner, type Runner } from "../../src/core/runner.ts";

/** A shell and the usual tools on `FROM scratch`: the host's static busybox. */
export const BUSYBOX_IMAGE = "bottle-test-busybox:1";

/** The debootstrapped Debian base `scripts/base-image.sh` creates (nothing can be pulled). */
export const BASE_IMAGE = "bottle-base:bookworm";

/** The top-level Dockerfile (the agent image with Claude Code) built on `BASE_IMAGE`. */
export const AGENT_TEST_IMAGE = "bottle-agent:test";

const ROOT = join(import.meta.dir, "../..");

/** The Dockerfile of `BUSYBOX_IMAGE`; busybox-static gives a binary that needs no libc. */
export function busyboxDockerfile(labels: Record<string, string> = {}): string {
  const label = Object.entries(labels).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return [
    "FROM scratch",
    "COPY busybox /bin/busybox",
    'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
    ...(label.length > 0 ? [`LABEL ${label.join(" ")}`] : []),
    'CMD ["/bin/sh"]',
    "",
  ].join("\n");
}

/**
 * Builds a busybox image FROM scratch with `tag` and `labels`. Needs `/bin/busybox`
 * from Debian's busybox-static (`apt-get install -y busybox-static`).
 */
export async function buildBusyboxImage(tag: string, labels: Record<string, string> = {}, runner: Runner = processRunner): Promise<string> {
  const context = await mkdtemp(join(tmpdir(), "bottle-busybox-"));
  try {
    await copyFile("/bin/busybox", join(context, "busybox"));
    await writeFile(join(context, "Dockerfile"), busyboxDockerfile(labels));
    await runner.run(["docker", "build", "-q", "-t", tag, context], { timeoutMs: 300_000 });
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  return tag;
}

/**
 * PEM text of the host's extra CA certificates, for the Dockerfile's `EXTRA_CA_CERTS`:
 * where TLS is intercepted, an image build that calls HTTPS needs them. The docker
 * backend's own lookup (`$BOTTLE_EXTRA_CA_CERTS`, else `/usr/local/share/ca-certificates`),
 * so tests build the image exactly as `bottle start` would. Empty when there are none.
 */
export async function hostExtraCaCerts(env: Record<string, string | undefined> = process.env): Promise<string> {
  return extraCaCerts(env.BOTTLE_EXTRA_CA_CERTS || undefined);
}

// One build per test process, however many files ask.
const once = new Map<string, Promise<string>>();
function memo(key: string, build: () => Promise<string>): Promise<string> {
  let pending = once.get(key);
  if (pending === undefined) {
    pending = build();
    once.set(key, pending);
    pending.catch(() => once.delete(key));
  }
  return pending;
}

/** `BUSYBOX_IMAGE`, built once per test run (docker's cache makes later runs instant). */
export function ensureBusyboxImage(runner: Runner = processRunner): Promise<string> {
  return memo(BUSYBOX_IMAGE, () => buildBusyboxImage(BUSYBOX_IMAGE, { "dev.bottle.test": "busybox" }, runner));
}

/** `BASE_IMAGE`, created by `scripts/base-image.sh` unless it exists (needs root and debootstrap). */
export function ensureBaseImage(runner: Runner = processRunner): Promise<string> {
  return memo(BASE_IMAGE, async () => {
    const found = await runner.run(["docker", "image", "inspect", BASE_IMAGE], { check: false });
    if (found.exitCode !== 0) await runner.run(["bash", join(ROOT, "scripts/base-image.sh")], { timeoutMs: 600_000 });
    return BASE_IMAGE;
  });
}

/**
 * `AGENT_TEST_IMAGE`: the repository's Dockerfile on `BASE_IMAGE`, trusting the host's
 * extra CAs. Several minutes the first time (apt, npm); cached afterwards.
 */
export function ensureAgentImage(runner: Runner = processRunner): Promise<string> {
  return memo(AGENT_TEST_IMAGE, async () => {
    const base = await ensureBaseImage(runner);
    const extraCa = await hostExtraCaCerts();
    await runner.run(
      [
        "docker", "build", "-q", "-t", AGENT_TEST_IMAGE,
        "--label", "dev.bottle.test=agent",
        "--build-arg", `BASE_IMAGE=${base}`,
        // The PEM text travels by name from the environment, keeping argv short.
        "--build-arg", "EXTRA_CA_CERTS",
        ROOT,
      ],
      { env: { EXTRA_CA_CERTS: extraCa }, timeoutMs: 1_200_000 },
    );
    return AGENT_TEST_IMAGE;
  });
}
