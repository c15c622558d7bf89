import { randomBytes } from "node:crypto";
import { BottleError } from "../../core/errors.ts";
import { bottleLabels, labelArgs } from "../../core/labels.ts";
import type { Runner } from "../../core/runner.ts";
import { registryOwnerLabels } from "./orphan-registries.ts";
import { REGISTRY_PORT, registryRunCommand } from "./pack-commands.ts";

/**
 * By default, the upstream registry 2.8.3 pinned by digest (a tag can move; a digest
 * cannot). `BOTTLE_REGISTRY_IMAGE` overrides it: an air-gapped mirror, or the image
 * the tests build from Debian's `docker-registry`.
 */
export const DEFAULT_REGISTRY_IMAGE =
  "registry:2.8.3@sha256:a3d8aaa63ed8681a604f1dea0aa03f100d5895b6a58ace528858a7b332415373";

/** What the registry needs from a backend's deps. */
export interface RegistryDeps {
  runner: Runner;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
}

/** Tuning, for tests. */
export interface RegistryOptions {
  /** By default, 30 s: a registry that has not answered `GET /v2/` by then fails. */
  readyTimeoutMs?: number;
  /** Labelled on the container so `cleanup` can tie an orphan to its bottle. */
  identity?: string;
  /**
   * The state folder of the CLI that starts it, labelled with this process's pid: a
   * registry whose CLI was killed (`kill -9`: no teardown runs) is then an orphan that
   * `cleanup` and the next start remove (see `reapOrphanRegistries`).
   */
  owner?: string;
}

/** A running registry on host loopback; disposing it force-removes the container. */
export interface EphemeralRegistry extends AsyncDisposable {
  /** The container name, `bottle-registry-<random>`. */
  name: string;
  /** The published host port on 127.0.0.1. */
  port: number;
  /** `localhost:<port>`: the prefix for `docker push` (Docker trusts localhost over HTTP). */
  host: string;
}

function hostPort(output: string): number | undefined {
  const match = /^127\.0\.0\.1:(\d+)$/m.exec(output);
  return match ? Number(match[1]) : undefined;
}

async function answers(port: number): Promise<boolean> {
  try {
    // A registry answers /v2/ with 200 (or 401 with auth): either means it is serving.
    const response = await fetch(`http://127.0.0.1:${port}/v2/`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status === 200 || response.status === 401;
  } catch {
    return false;
  }
}

async function waitReady(deps: RegistryDeps, name: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(port))) {
    if (deps.signal?.aborted) throw new BottleError("interrupted while starting the local registry", { exitCode: 130 });
    if (Date.now() >= deadline) {
      const logs = await deps.runner.run(["docker", "logs", "--tail", "5", name], { check: false });
      const last = `${logs.stdout}${logs.stderr}`.trim().split("\n").pop();
      throw new BottleError(`the local registry ${name} did not answer GET /v2/ within ${Math.round(timeoutMs / 1000)} s${last ? `: ${last}` : ""}`, {
        hint: "check that the image in BOTTLE_REGISTRY_IMAGE is a Docker registry listening on port 5000",
      });
    }
    await Bun.sleep(100);
  }
}

/**
 * Starts a throwaway registry for one push: `docker run -d --rm` publishing port 5000
 * on loopback only (nothing off the host can push or pull), with a name no other call
 * shares. The container is force-removed on every way out of startup (error, deadline,
 * abort) and, once returned, when the registry is disposed.
 */
export async function startEphemeralRegistry(deps: RegistryDeps, options: RegistryOptions = {}): Promise<EphemeralRegistry> {
  const name = `bottle-registry-${randomBytes(6).toString("hex")}`;
  const image = deps.env.BOTTLE_REGISTRY_IMAGE || DEFAULT_REGISTRY_IMAGE;
  // Removal runs without the caller's signal: an abort must not abort the cleanup too.
  const remove = async () => {
    await deps.runner.run(["docker", "rm", "-f", name], { check: false });
  };
  try {
    const labels = labelArgs({ ...bottleLabels(options.identity ?? name, "registry"), ...registryOwnerLabels(options.owner) });
    await deps.runner.run(registryRunCommand(name, image, labels), { signal: deps.signal });
    const published = await deps.runner.run(["docker", "port", name, REGISTRY_PORT], { check: false });
    const port = hostPort(published.stdout);
    if (port === undefined) {
      throw new BottleError(`the local registry ${name} exited right after starting`, {
        hint: `run \`docker run --rm ${image}\` to see why`,
      });
    }
    await waitReady(deps, name, port, options.readyTimeoutMs ?? 30_000);
    return { name, port, host: `localhost:${port}`, [Symbol.asyncDispose]: remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** Runs `fn` with a fresh registry and removes the registry afterwards, whatever happens. */
export async function withEphemeralRegistry<T>(
  deps: RegistryDeps,
  fn: (registry: EphemeralRegistry) => Promise<T>,
  options: RegistryOptions = {},
): Promise<T> {
  await using registry = await startEphemeralRegistry(deps, options);
  return await fn(registry);
}
