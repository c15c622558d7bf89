import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { COMMANDS } from "../../../src/cli/commands.ts";

const readme = readFileSync(resolve(import.meta.dir, "../../../README.md"), "utf8");
const section = readme.slice(readme.indexOf("## Commands\n"), readme.indexOf("\n## ", readme.indexOf("## Commands\n") + 1));
const rows = section.split("\n").filter((line) => line.startsWith("| `bottle"));

test("README's Commands section lists every command with its usage", () => {
  for (const spec of Object.values(COMMANDS)) {
    expect(rows.some((row) => row.startsWith(`| \`${spec.usage}\` |`))).toBe(true);
  }
});

test("README lists no command that does not exist", () => {
  const listed = rows.map((row) => /^\| `bottle ([a-z-]+)/.exec(row)?.[1]).filter((name) => name !== undefined);
  for (const name of listed) expect(Object.keys(COMMANDS)).toContain(name);
});

test("README's start row names every start flag", () => {
  const start = rows.find((row) => row.startsWith("| `bottle start "))!;
  for (const flag of Object.keys(COMMANDS.start!.flags)) expect(start).toContain(`--${flag}`);
});
