import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BackendDeps, StartSpec } from "../../../../src/backend/types.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { processRunner } from "../../../../src/core/runner.ts";
import { readSettings } from "../../../../src/core/settings.ts";
import { socketGet } from "../../../../src/core/socket-get.ts";
import { testSpec, type TestSpecOptions } from "../../../helpers/start-spec.ts";
import type { BottleConfig } from "../../../../src/manifest/schema.ts";
import { BUSYBOX_IMAGE as SHARED_BUSYBOX, ensureBusyboxImage } from "../../../helpers/images.ts";

/** A tiny agent image: static busybox FROM scratch (sh, wget, nc, nslookup, httpd), nothing pulled. */
export const BUSYBOX_IMAGE = SHARED_BUSYBOX;

/** Builds {@link BUSYBOX_IMAGE} once per test process (the shared helper's image). */
export function busyboxImage(): Promise<string> {
  return ensureBusyboxImage();
}

/** Removes the agent images bottle built for `repository` (every content-keyed tag), as a test's afterAll. */
export async function removeAgentImages(repository: string): Promise<void> {
  const images = await processRunner.run(["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", repository], { check: false });
  const refs = images.stdout.split("\n").filter(Boolean);
  if (refs.length > 0) await processRunner.run(["docker", "image", "rm", ...refs], { check: false });
}

/** A private state/cache root per test file, so cleanup only ever sees this test's bottles. */
export async function testDeps(
  env: Record<string, string | undefined> = {},
  log: (line: string) => void = () => {},
  options: { socket?: boolean } = {},
): Promise<BackendDeps & { root: string }> {
  const root = await mkdtemp(join(tmpdir(), "bottle-docker-test-"));
  const full = { ...process.env, XDG_STATE_HOME: join(root, "state"), XDG_CACHE_HOME: process.env.BOTTLE_TEST_CACHE ?? join(tmpdir(), "bottle-test-cache"), ...env };
  // By default, as the real CLI: the local engine's API where it answers. `socket: false` keeps to the docker CLI.
  return { runner: processRunner, paths: bottlePaths(full), env: full, settings: readSettings(full), log, root, ...(options.socket === false ? {} : { socketGet }) };
}

/** A StartSpec for a busybox agent in a bottle with the given egress. */
export function busyboxSpec(bottle: Partial<BottleConfig> = {}, extra: TestSpecOptions = {}): StartSpec {
  return testSpec({
    agentName: "bbtest",
    ...extra,
    agent: { image: BUSYBOX_IMAGE, command: ["sh"], ...extra.agent },
    bottle: { egress: { allow: [], deny: [], allow_cidrs: [], routes: [], dlp: { action: "block" } }, ...bottle },
  });
}

/** Everything on the engine labelled with this identity, as `kind name` lines. */
export async function labelled(identity: string): Promise<string[]> {
  const filter = ["--filter", `label=dev.bottle.identity=${identity}`];
  const [containers, networks, volumes] = await Promise.all([
    processRunner.run(["docker", "ps", "-a", ...filter, "--format", "container {{.Names}}"]),
    processRunner.run(["docker", "network", "ls", ...filter, "--format", "network {{.Name}}"]),
    processRunner.run(["docker", "volume", "ls", ...filter, "--format", "volume {{.Name}}"]),
  ]);
  return `${containers.stdout}${networks.stdout}${volumes.stdout}`.split("\n").filter((line) => line !== "");
}
