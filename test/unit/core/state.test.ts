import { describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensurePrivateDir, listDirs, readJson, removeDir, writeJson, writePrivateFile } from "../../../src/core/state.ts";

const scratch = () => mkdtemp(join(tmpdir(), "bottle-state-"));
const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe("writePrivateFile", () => {
  test("writes the file 0600 in a new folder 0700", async () => {
    const dir = join(await scratch(), "claude-abcdefgh");
    await writePrivateFile(join(dir, "agent.env"), "TOKEN=x\n");
    expect(await readFile(join(dir, "agent.env"), "utf8")).toBe("TOKEN=x\n");
    expect(await mode(join(dir, "agent.env"))).toBe(0o600);
    expect(await mode(dir)).toBe(0o700);
  });

  test("tightens a file that already existed with a looser mode", async () => {
    const file = join(await scratch(), "loose");
    await writeFile(file, "old", { mode: 0o644 });
    await writePrivateFile(file, "new");
    expect(await mode(file)).toBe(0o600);
    expect(await readFile(file, "utf8")).toBe("new");
  });

  test("is 0600 whatever the umask", async () => {
    const previous = process.umask(0o000);
    try {
      const file = join(await scratch(), "sub", "f");
      await writePrivateFile(file, "x");
      expect(await mode(file)).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });
});

describe("ensurePrivateDir", () => {
  test("creates the folder 0700, and tightens an existing one", async () => {
    const root = await scratch();
    await ensurePrivateDir(join(root, "a", "b"));
    expect(await mode(join(root, "a", "b"))).toBe(0o700);
    await mkdir(join(root, "open"), { mode: 0o755 });
    await ensurePrivateDir(join(root, "open"));
    expect(await mode(join(root, "open"))).toBe(0o700);
  });
});

describe("JSON state", () => {
  test("round-trips, as a private file", async () => {
    const file = join(await scratch(), "id", "metadata.json");
    await writeJson(file, { identity: "claude-abcdefgh", env: ["GH_HOST"] });
    expect(await readJson<unknown>(file)).toEqual({ identity: "claude-abcdefgh", env: ["GH_HOST"] });
    expect(await mode(file)).toBe(0o600);
  });

  test("a missing file reads as undefined; a broken one throws", async () => {
    const dir = await scratch();
    expect(await readJson(join(dir, "none.json"))).toBeUndefined();
    await writeFile(join(dir, "bad.json"), "{");
    await expect(readJson(join(dir, "bad.json"))).rejects.toThrow();
  });
});

describe("listDirs and removeDir", () => {
  test("lists only folders, and nothing for a missing parent", async () => {
    const root = await scratch();
    await mkdir(join(root, "one"));
    await mkdir(join(root, "two"));
    await writeFile(join(root, "file"), "");
    expect((await listDirs(root)).sort()).toEqual(["one", "two"]);
    expect(await listDirs(join(root, "missing"))).toEqual([]);
  });

  test("removes a tree; a missing one is fine", async () => {
    const root = await scratch();
    await writePrivateFile(join(root, "x", "y", "z"), "1");
    await removeDir(join(root, "x"));
    expect(await listDirs(root)).toEqual([]);
    await removeDir(join(root, "x"));
  });
});
