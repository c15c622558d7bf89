import { existsSync, statSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { BottlePaths } from "../../core/paths.ts";
import { LABEL } from "../../core/labels.ts";
import type { Runner } from "../../core/runner.ts";
import { VERSION } from "../../core/version.ts";
import { REPO_ROOT } from "./agent-image.ts";
import { gateImageCommand } from "./image-commands.ts";
import { contentKey } from "./content-key.ts";
import { gateAccounts, presentGitTools } from "./gate-git-tools.ts";

/** The gate's image and, when it must be built, the bottle binary that goes in it. */
export interface GateImagePlan {
  ref: string;
  /** Missing when `BOTTLE_GATE_IMAGE` names a ready image. */
  binary?: { path: string; compileFrom?: string };
  /**
   * The id of what builds it (this binary's path, or this source tree's): the
   * `dev.bottle.gate.builder` label, so pruning removes only this builder's old images.
   */
  builder?: string;
}

/** True inside a `bun build --compile` executable (its modules live under /$bunfs). */
function compiled(): boolean {
  return Bun.main.startsWith("/$bunfs/") || /^[A-Z]:\\~BUN\\/.test(Bun.main);
}

/**
 * The gate runs the bottle binary itself (`bottle gate`), so the image is built here
 * from this very binary: nothing is pulled, and the gate always matches the CLI. From
 * source, the binary is compiled once into the cache, keyed by the sources.
 * `BOTTLE_GATE_IMAGE` overrides (a prebuilt image, or a Linux binary's image on macOS).
 */
export function gateImage(override: string | undefined, paths: BottlePaths): GateImagePlan {
  if (override !== undefined && override !== "") return { ref: override };
  if (compiled()) {
    const stat = statSync(process.execPath);
    const key = contentKey([VERSION, process.execPath, String(stat.size), String(stat.mtimeMs), ...presentGitTools()]);
    return { ref: `bottle-gate:${VERSION}-${key}`, binary: { path: process.execPath }, builder: contentKey([process.execPath]) };
  }
  const key = contentKey([VERSION, ...presentGitTools()], [join(REPO_ROOT, "src")]);
  const path = join(paths.gateBinaries, `bottle-${key}`);
  return {
    ref: `bottle-gate:${VERSION}-${key}`,
    binary: { path, compileFrom: join(REPO_ROOT, "src/cli/main.ts") },
    builder: contentKey([REPO_ROOT]),
  };
}

/** The shared libraries `ldd` lists for a binary (the loader included), absolute paths. */
export function lddLibraries(output: string): string[] {
  const paths = new Set<string>();
  for (const line of output.split("\n")) {
    const match = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (match) paths.add(match[1]!);
  }
  return [...paths];
}

/**
 * Builds the gate image when it is missing: the binary, the libraries `ldd` names (Bun
 * needs glibc) and the host's CA bundle (a TLS-inspecting proxy's CA reaches the gate,
 * whose upstream calls are the only HTTPS a bottle makes) on `FROM scratch`.
 */
export async function ensureGateImage(plan: GateImagePlan, runner: Runner, log: (line: string) => void): Promise<void> {
  const exists = await runner.run(["docker", "image", "inspect", "--format", "{{.Id}}", plan.ref], { check: false });
  if (exists.exitCode === 0 || plan.binary === undefined) return;
  const { path, compileFrom } = plan.binary;
  if (compileFrom !== undefined && !existsSync(path)) {
    log(`compiling the gate binary (once per source change)…`);
    await mkdir(dirname(path), { recursive: true });
    // Parallel starts may compile at once: each writes its own file, the rename is atomic.
    const partial = `${path}.${process.pid}.partial`;
    await runner.run(
      [process.execPath, "build", "--compile", "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig", `--outfile=${partial}`, compileFrom],
      { cwd: REPO_ROOT, timeoutMs: 300_000 },
    );
    await rename(partial, path);
    await pruneSiblings(path);
  }
  log(`building the gate image ${plan.ref}…`);
  const context = await mkdtemp(join(tmpdir(), "bottle-gate-image-"));
  try {
    const rootfs = join(context, "rootfs");
    const place = async (from: string, to: string) => {
      await mkdir(dirname(join(rootfs, to)), { recursive: true });
      await copyFile(from, join(rootfs, to));
    };
    await place(path, "/usr/local/bin/bottle");
    // The git gate's tools come from this host with their libraries, like the binary.
    const tools = presentGitTools();
    for (const tool of tools) await place(tool, tool);
    const libraries = new Set<string>();
    for (const program of [path, ...tools]) {
      const ldd = await runner.run(["ldd", program], { check: false });
      for (const library of lddLibraries(ldd.stdout)) libraries.add(library);
    }
    for (const library of libraries) await place(library, library);
    const accounts = gateAccounts(process.getuid?.() ?? 0, process.getgid?.() ?? 0);
    await mkdir(join(rootfs, "etc"), { recursive: true });
    await writeFile(join(rootfs, "etc/passwd"), accounts.passwd);
    await writeFile(join(rootfs, "etc/group"), accounts.group);
    const bundle = "/etc/ssl/certs/ca-certificates.crt";
    if (existsSync(bundle)) await place(bundle, bundle);
    await mkdir(join(rootfs, "tmp"), { recursive: true });
    await writeFile(
      join(context, "Dockerfile"),
      [
        "FROM scratch",
        "COPY rootfs/ /",
        `ENV NODE_EXTRA_CA_CERTS=${bundle} SSL_CERT_FILE=${bundle}`,
        `LABEL ${LABEL.role}=gate-image ${LABEL.version}=${VERSION}${plan.builder === undefined ? "" : ` ${LABEL.gateBuilder}=${plan.builder}`}`,
        'ENTRYPOINT ["/usr/local/bin/bottle", "gate"]',
        "",
      ].join("\n"),
    );
    await runner.run(gateImageCommand(plan.ref, context), { timeoutMs: 300_000 });
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  if (plan.builder !== undefined) await pruneGateImages(runner, plan.ref, plan.builder);
}

/**
 * Each source change or new binary makes a ~100 MB gate image; without this they pile
 * up. Removes the other gate images *this builder* made (its binary, or its source
 * checkout: the `dev.bottle.gate.builder` label), never another checkout's or
 * another binary's; `docker rmi` without `--force` refuses the ones a container still
 * uses, so running bottles keep theirs.
 */
export async function pruneGateImages(runner: Runner, keep: string, builder: string): Promise<void> {
  const listed = await runner.run(
    [
      "docker", "image", "ls",
      "--filter", `label=${LABEL.role}=gate-image`, "--filter", `label=${LABEL.gateBuilder}=${builder}`,
      "--format", "{{.Repository}}:{{.Tag}}",
    ],
    { check: false },
  );
  const stale = listed.stdout.split("\n").filter((ref) => ref !== "" && ref !== keep && !ref.includes("<none>"));
  if (stale.length > 0) await runner.run(["docker", "image", "rm", ...stale], { check: false });
}

/** Compiled gate binaries of earlier sources (one per source change, ~100 MB each). */
async function pruneSiblings(path: string): Promise<void> {
  const dir = dirname(path);
  const keep = path.slice(dir.length + 1);
  for (const name of await readdir(dir)) {
    if (name !== keep && name.startsWith("bottle-") && !name.endsWith(".partial")) await rm(join(dir, name), { force: true });
  }
}
