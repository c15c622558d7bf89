import { expect, test } from "bun:test";
import { appendFile, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readLines } from "../../../../src/cli/logs/follow-lines.ts";

const scratch = async () => join(await mkdtemp(join(tmpdir(), "bottle-lines-")), "audit.jsonl");

test("reads every line once; a last line without its newline still counts when not following", async () => {
  const file = await scratch();
  await writeFile(file, "one\ntwo\n\nthree");
  const lines: string[] = [];
  await readLines(file, (line) => lines.push(line), { follow: false, signal: new AbortController().signal });
  expect(lines).toEqual(["one", "two", "three"]);
});

test("following, a line is given once it is complete, and the abort ends it", async () => {
  const file = await scratch();
  await writeFile(file, "first\n");
  const lines: string[] = [];
  const stop = new AbortController();
  const done = readLines(file, (line) => lines.push(line), { follow: true, signal: stop.signal, pollMs: 10 });
  await Bun.sleep(50);
  await appendFile(file, "sec");
  await Bun.sleep(50);
  expect(lines).toEqual(["first"]);
  await appendFile(file, "ond\nthird\n");
  for (let i = 0; i < 100 && lines.length < 3; i++) await Bun.sleep(10);
  expect(lines).toEqual(["first", "second", "third"]);
  stop.abort();
  await done;
});
