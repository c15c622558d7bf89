import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BackendDeps, StartSpec } from "../../../../src/backend/types.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { processRunner } from "../../../../src/core/runner.ts";
import { mintIdentity } from "../../../../src/core/identity.ts";
import { defaultBottle } from "../../../../src/manifest/default-manifest.ts";
import type { BottleConfig } from "../../../../src/manifest/schema.ts";
import { BUSYBOX_IMAGE as SHARED_BUSYBOX, ensureBusyboxImage } from "../../../helpers/images.ts";

/** A tiny agent image: static busybox FROM scratch (sh, wget, nc, nslookup, httpd), nothing pulled. */
export const BUSYBOX_IMAGE = SHARED_BUSYBOX;

/** Builds {@link BUSYBOX_IMAGE} once per test process (the shared helper's image). */
export function busyboxImage(): Promise<string> {
  return ensureBusyboxImage();
}

/** A private state/cache root per test file, so cleanup only ever sees this test's bottles. */
export async function testDeps(env: Record<string, string | undefined> = {}, log: (line: string) => void = () => {}): Promise<BackendDeps & { root: string }> {
  const root = await mkdtemp(join(tmpdir(), "bottle-docker-test-"));
  const full = { ...process.env, XDG_STATE_HOME: join(root, "state"), XDG_CACHE_HOME: process.env.BOTTLE_TEST_CACHE ?? join(tmpdir(), "bottle-test-cache"), ...env };
  return { runner: processRunner, paths: bottlePaths(full), env: full, log, root };
}

/** A StartSpec for a busybox agent in a bottle with the given egress. */
export function busyboxSpec(bottle: Partial<BottleConfig> = {}, extra: Partial<StartSpec> = {}): StartSpec {
  return {
    identity: mintIdentity("bbtest"),
    agentName: "bbtest",
    agent: { image: BUSYBOX_IMAGE, command: ["sh"], skills: [], env: {}, bottle: "default" },
    bottleName: "default",
    bottle: { ...defaultBottle(), egress: { allow: [], deny: [], allow_cidrs: [], routes: [], dlp: { action: "block" } }, ...bottle },
    manifestDir: process.cwd(),
    copyFrom: undefined,
    prompt: undefined,
    env: { literal: {}, forwarded: [] },
    ...extra,
  };
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
