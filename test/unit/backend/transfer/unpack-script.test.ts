import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UNPACK_SCRIPT } from "../../../../src/backend/transfer/unpack-script.ts";
import { processRunner } from "../../../../src/core/runner.ts";

/** A source tree (a/file, a/sub/deep) and a destination root, both fresh. */
async function tree() {
  const root = await mkdtemp(join(tmpdir(), "bottle-unpack-"));
  await mkdir(join(root, "src", "a", "sub"), { recursive: true });
  await writeFile(join(root, "src", "a", "file"), "file\n");
  await writeFile(join(root, "src", "a", "sub", "deep"), "deep\n");
  await mkdir(join(root, "dest"));
  return root;
}

/** Packs `base` in `dir` as the sending side does, and unpacks it with the script into `dest`. */
async function copy(root: string, dir: string, base: string, dest: string) {
  const archive = join(root, "x.tar");
  await processRunner.run(["tar", "-C", dir, "-cf", archive, base]);
  return processRunner.run(["sh", "-c", `exec < "$4"; ${UNPACK_SCRIPT}`, "sh", dest, base, "", archive], { check: false });
}

describe("UNPACK_SCRIPT (docker cp's meaning without docker cp)", () => {
  test("into an existing folder, the source lands inside it", async () => {
    const root = await tree();
    expect((await copy(root, join(root, "src"), "a", join(root, "dest"))).exitCode).toBe(0);
    expect(readFileSync(join(root, "dest", "a", "sub", "deep"), "utf8")).toBe("deep\n");
  });

  test("to a new path, the source becomes it, and no scratch folder stays", async () => {
    const root = await tree();
    expect((await copy(root, join(root, "src"), "a", join(root, "dest", "renamed"))).exitCode).toBe(0);
    expect(readFileSync(join(root, "dest", "renamed", "file"), "utf8")).toBe("file\n");
    expect(readdirSync(join(root, "dest"))).toEqual(["renamed"]);
    expect((await copy(root, join(root, "src", "a"), "file", join(root, "dest", "one.txt"))).exitCode).toBe(0);
    expect(readFileSync(join(root, "dest", "one.txt"), "utf8")).toBe("file\n");
  });

  test("`.` copies a folder's contents, creating the destination", async () => {
    const root = await tree();
    expect((await copy(root, join(root, "src", "a"), ".", join(root, "dest", "made"))).exitCode).toBe(0);
    expect(readdirSync(join(root, "dest", "made")).toSorted()).toEqual(["file", "sub"]);
  });

  test("a file replaces a file; a folder onto a file and a missing parent are errors that leave nothing", async () => {
    const root = await tree();
    await writeFile(join(root, "dest", "old"), "old\n");
    expect((await copy(root, join(root, "src", "a"), "file", join(root, "dest", "old"))).exitCode).toBe(0);
    expect(readFileSync(join(root, "dest", "old"), "utf8")).toBe("file\n");
    const onto = await copy(root, join(root, "src"), "a", join(root, "dest", "old"));
    expect(onto.exitCode).toBe(1);
    expect(onto.stderr).toContain("cannot copy a folder onto the file");
    const missing = await copy(root, join(root, "src"), "a", join(root, "nope", "x"));
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("no such folder");
    expect(readdirSync(join(root, "dest"))).toEqual(["old"]);
    expect(existsSync(join(root, "nope"))).toBe(false);
  });
});
