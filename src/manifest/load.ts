import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { ConfigError } from "../core/config-file.ts";
import { BottleError } from "../core/errors.ts";
import { bottlePaths } from "../core/paths.ts";
import { DEFAULT_MANIFEST } from "./default-manifest.ts";
import { parseManifest } from "./parse-manifest.ts";
import type { Manifest } from "./schema.ts";

/** A manifest and where it came from; relative paths in it resolve against `dir`. */
export interface LoadedManifest {
  manifest: Manifest;
  /** Absolute path, or `<built-in>`. */
  file: string;
  dir: string;
}

/** Where manifests are looked for. */
export interface FindManifestOptions {
  /** `--manifest`. */
  flag?: string | undefined;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** The `file` of the built-in default manifest. */
export const BUILT_IN = "<built-in>";

/**
 * The manifest to use, in order: `--manifest`, `$BOTTLE_MANIFEST`, `./bottle.yaml`,
 * `$XDG_CONFIG_HOME/bottle/bottle.yaml`; `BUILT_IN` when none exists. A path given
 * explicitly (flag or variable) must exist: silently falling back would run a
 * different agent than the one asked for.
 */
export function findManifest(options: FindManifestOptions): { file: string; from: string } {
  const explicit: [string | undefined, string][] = [
    [options.flag, "--manifest"],
    [options.env.BOTTLE_MANIFEST, "$BOTTLE_MANIFEST"],
  ];
  for (const [path, from] of explicit) {
    if (path === undefined || path === "") continue;
    const file = resolve(options.cwd, path);
    if (!existsSync(file)) {
      throw new BottleError(`manifest not found: ${path} (from ${from})`, {
        hint: "check the path, or run `bottle init` to write a starter bottle.yaml",
      });
    }
    return { file, from };
  }
  const here = resolve(options.cwd, "bottle.yaml");
  if (existsSync(here)) return { file: here, from: "./bottle.yaml" };
  const user = bottlePaths(options.env).userManifest;
  if (existsSync(user)) return { file: user, from: "$XDG_CONFIG_HOME/bottle/bottle.yaml" };
  return { file: BUILT_IN, from: "built-in default" };
}

/** How a manifest path is shown in problems: relative to `cwd` when inside it, as editors link it. */
export function displayPath(file: string, cwd: string): string {
  const shown = relative(cwd, file);
  return shown !== "" && !shown.startsWith("..") && !isAbsolute(shown) ? shown : file;
}

/** Reads a manifest file's text, turning I/O failures into a BottleError. */
export function readManifestText(file: string): string {
  try {
    if (statSync(file).isDirectory()) {
      throw new BottleError(`manifest is a directory: ${file}`, { hint: "point at the bottle.yaml inside it" });
    }
    return readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof BottleError) throw error;
    throw new BottleError(`cannot read manifest ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Finds, reads and validates the manifest (see `findManifest` for the order). Every
 * problem comes back at once in a ConfigError, as `FILE:LINE:COL: message` lines.
 */
export async function loadManifest(options: FindManifestOptions): Promise<LoadedManifest> {
  const { file } = findManifest(options);
  if (file === BUILT_IN) return { manifest: structuredClone(DEFAULT_MANIFEST), file, dir: options.cwd };
  const { manifest, problems } = parseManifest(displayPath(file, options.cwd), readManifestText(file));
  if (manifest === undefined) throw new ConfigError(problems, "fix these, then check with `bottle validate`");
  return { manifest, file, dir: dirname(file) };
}
