import { expect, test } from "bun:test";
import { join, normalize } from "node:path";
import { ENTRY } from "../../../scripts/compile.ts";

/**
 * Every module the compiled binary evaluates before `main` runs: the entry chunk and the
 * chunks it imports statically, as `bun build --splitting` (the release flags) lays
 * them out. Lazily loaded commands and `await import(…)` are not followed. Bundled
 * code is inlined, so what remains bare is a builtin, which Bun 1.3 writes without its
 * `node:` prefix (`from "util"`).
 */
async function startupImports(): Promise<string[]> {
  const build = await Bun.build({ entrypoints: [ENTRY], splitting: true, target: "bun" });
  expect(build.success).toBe(true);
  const chunks = new Map(await Promise.all(build.outputs.map(async (output) => [normalize(output.path), await output.text()] as const)));
  const entry = build.outputs.find((output) => output.kind === "entry-point")!;
  const seen = new Set<string>();
  const specifiers = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const [, specifier] of chunks.get(path)!.matchAll(/^import\s*(?:[^;]*?\s*from\s*)?"([^"]+)"/gm)) {
      if (specifier!.startsWith(".")) visit(normalize(join(path, "..", specifier!)));
      else specifiers.add(specifier!);
    }
  };
  visit(normalize(entry.path));
  expect(seen.size).toBeGreaterThan(1);
  return [...specifiers];
}

// In Bun 1.3.14 the first node compatibility module (node:util, node:fs…) costs ~20 ms
// of startup, three times the rest of `bottle --version` (bench/startup). Commands load
// theirs when they run.
test("`bottle --version` loads no node: module before main runs", async () => {
  expect(await startupImports()).toEqual([]);
});
