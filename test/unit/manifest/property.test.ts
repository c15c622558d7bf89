import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { stringify } from "yaml";
import { formatProblem, type Problem } from "../../../src/core/config-file.ts";
import { DEFAULT_MANIFEST } from "../../../src/manifest/default-manifest.ts";
import { parseManifest } from "../../../src/manifest/parse-manifest.ts";
import { ManifestSchema } from "../../../src/manifest/schema.ts";
import { STARTER_MANIFEST } from "../../../src/manifest/starter-manifest.ts";

/** mulberry32: a tiny seeded PRNG, so every run feeds the same cases and a failure reproduces. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

const fixtures = join(import.meta.dir, "../../fixtures/manifests");
const VALID: Record<string, string> = {
  "valid-full.yaml": readFileSync(join(fixtures, "valid-full.yaml"), "utf8"),
  "valid-minimal.yaml": readFileSync(join(fixtures, "valid-minimal.yaml"), "utf8"),
  "starter.yaml": STARTER_MANIFEST,
  "default.yaml": stringify(DEFAULT_MANIFEST),
  "default.json": JSON.stringify(DEFAULT_MANIFEST, null, 2),
};

// YAML's structural characters, line ends, and unicode that trips naive position math.
const GARBAGE = [":", "-", "- ", "[", "]", "{", "}", ",", '"', "'", "&a", "*a", "!!str", "!tag", "|", ">", "#", "%", "@", "`", "?", "\t", "\r", "\n", "\r\n", "  ", "é", "😀", "\u0000", "\uFEFF", "\u2028", "\u0085", "${", "${X}", "<<: *a"];
const VALUES: unknown[] = [null, 0, -1, 3.5, true, "", "x", "${A}", "a\nb", [], [1, "two"], {}, { nested: { deep: [null] } }];

type Random = ReturnType<typeof prng>;

function randomUnicode(random: Random): string {
  let text = "";
  for (let index = random.int(6) + 1; index > 0; index--) text += String.fromCodePoint(random.int(0x2ffff));
  return text.replace(/[\uD800-\uDFFF]/g, "?");
}

/** A path to some node of plain data, to mutate it. */
function randomPath(random: Random, data: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  let node = data;
  while (node !== null && typeof node === "object" && random.next() < 0.8) {
    const keys = Array.isArray(node) ? node.map((_, index) => index) : Object.keys(node);
    if (keys.length === 0) break;
    const key = random.pick<string | number>(keys);
    path.push(key);
    node = (node as Record<string | number, unknown>)[key];
  }
  return path;
}

function mutateData(random: Random, text: string): string {
  let data: unknown;
  try {
    // Bun's native YAML is fast; the cases only need the data, not positions.
    data = Bun.YAML.parse(text);
  } catch {
    return mutateText(random, text); // already broken text: keep breaking it as text
  }
  const path = randomPath(random, data);
  if (path.length === 0) return JSON.stringify(random.pick(VALUES));
  const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], data);
  const key = path.at(-1)!;
  switch (random.int(3)) {
    case 0: // delete the key (or list item)
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      break;
    case 1: // rename the key with a typo
      if (!Array.isArray(parent)) {
        const name = String(key);
        const at = random.int(name.length + 1);
        parent[`${name.slice(0, at)}${random.pick(["x", "", "_", "-", "é"])}${name.slice(at + 1)}`] = parent[key];
        delete parent[key];
      }
      break;
    default: // swap the value's type
      parent[key] = structuredClone(random.pick(VALUES));
  }
  return random.next() < 0.5 ? Bun.YAML.stringify(data, null, 2) : JSON.stringify(data);
}

function mutateText(random: Random, text: string): string {
  const lines = text.split("\n");
  const line = random.int(lines.length);
  const offset = random.int(text.length + 1);
  switch (random.int(7)) {
    case 0:
      lines.splice(line, 1);
      return lines.join("\n");
    case 1:
      lines.splice(line, 0, lines[line] ?? "");
      return lines.join("\n");
    case 2:
      return text.slice(0, offset) + random.pick(GARBAGE) + text.slice(offset);
    case 3:
      return text.slice(0, offset);
    case 4:
      return text.slice(0, offset) + randomUnicode(random) + text.slice(offset);
    case 5: // re-indent a line
      lines[line] = `${" ".repeat(random.int(7))}${(lines[line] ?? "").trimStart()}`;
      return lines.join("\n");
    default: // swap two lines
      const other = random.int(lines.length);
      [lines[line], lines[other]] = [lines[other]!, lines[line]!];
      return lines.join("\n");
  }
}

/** A problem must point somewhere inside the text a person is looking at. */
function inside(text: string, problem: Problem): boolean {
  const lines = text.split("\n");
  const line = lines[problem.line - 1];
  return problem.line >= 1 && problem.col >= 1 && line !== undefined && problem.col <= line.length + 1;
}

describe("parseManifest on random mutations of valid manifests", () => {
  test("valid inputs have no problems", () => {
    for (const [file, text] of Object.entries(VALID)) {
      expect({ file, problems: parseManifest(file, text).problems.map(formatProblem) }).toEqual({ file, problems: [] });
    }
  });

  test("never throws, and every problem points inside the text (3000 seeded cases)", () => {
    const random = prng(20261123);
    const bases = Object.values(VALID);
    let withProblems = 0;
    for (let index = 0; index < 3000; index++) {
      let text = random.pick(bases);
      // Stack up to three mutations, of the text or of the data underneath it.
      for (let round = random.int(3) + 1; round > 0; round--) {
        text = random.next() < 0.35 ? mutateData(random, text) : mutateText(random, text);
      }
      let result: ReturnType<typeof parseManifest>;
      try {
        result = parseManifest("m.yaml", text);
      } catch (error) {
        throw new Error(`case ${index} threw ${(error as Error).stack}\n--- text ---\n${text}`);
      }
      const outside = result.problems.filter((problem) => !inside(text, problem));
      if (outside.length > 0) throw new Error(`case ${index}: ${outside.map(formatProblem).join("; ")}\n--- text ---\n${text}`);
      const sorted = result.problems.every((problem, at, all) => at === 0 || all[at - 1]!.line < problem.line || (all[at - 1]!.line === problem.line && all[at - 1]!.col <= problem.col));
      expect(sorted).toBe(true);
      expect(result.problems.every((problem) => problem.message.length > 0 && !problem.message.includes("Expected never"))).toBe(true);
      // A manifest comes back exactly when there is nothing wrong, and it satisfies the schema.
      if ((result.manifest === undefined) !== result.problems.length > 0) throw new Error(`case ${index}: manifest and problems disagree\n--- text ---\n${text}`);
      if (result.manifest !== undefined) expect(v.is(ManifestSchema, result.manifest)).toBe(true);
      else withProblems++;
    }
    // The mutations must actually break things, or this test proves nothing.
    expect(withProblems).toBeGreaterThan(1500);
    // A generous ceiling for a loaded CI machine, not a speed assertion: it takes ~3 s idle.
  }, 60_000);
});
