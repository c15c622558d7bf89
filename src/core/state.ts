import { chmod, mkdir, open, readFile, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { isIdentityName } from "./paths.ts";

/**
 * Writes a file only its owner can read (0600), creating the folder 0700. The mode is
 * set at creation, so there is no moment when the content is world-readable.
 */
export async function writePrivateFile(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true, mode: 0o700 });
  const handle = await open(path, "w", 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
}

/** Creates a state folder readable by its owner only. */
export async function ensurePrivateDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chmod(path, 0o700);
}

/** Reads a JSON file, or undefined when it does not exist. */
export async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Writes JSON as a private file: metadata can name hosts, repos and env names. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  await writePrivateFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Names of the sub-folders of `dir`, or none when it does not exist. */
export async function listDirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** Removes a folder and everything in it; a missing folder is fine. */
export async function removeDir(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

/** The bottle state folders under the state root: sub-folders named like an identity (a stray folder is not a bottle). */
export async function bottleDirs(stateRoot: string): Promise<string[]> {
  return (await listDirs(stateRoot)).filter(isIdentityName);
}
