import { describe, expect, test } from "bun:test";
import { keysAt } from "../../../src/core/describe-issue.ts";
import { parseManifest } from "../../../src/manifest/parse-manifest.ts";
import { ManifestSchema } from "../../../src/manifest/schema.ts";
import { STARTER_MANIFEST } from "../../../src/manifest/starter-manifest.ts";

// Every key path of the schema, with `*` for names and list items.
function schemaKeys(path: (string | number)[] = []): string[] {
  return keysAt(ManifestSchema, path).flatMap((key) => {
    const inner = [...path, key];
    const nested = [...schemaKeys(inner), ...schemaKeys([...inner, "x"]), ...schemaKeys([...inner, 0])];
    return [key, ...nested];
  });
}

describe("STARTER_MANIFEST", () => {
  test("is a valid manifest", () => {
    expect(parseManifest("bottle.yaml", STARTER_MANIFEST).problems).toEqual([]);
  });

  test("mentions every key the schema knows (set, or commented out with its meaning)", () => {
    const keys = [...new Set(schemaKeys())];
    expect(keys).toContain("allow_cidrs");
    expect(keys).toContain("dockerfile");
    const missing = keys.filter((key) => !new RegExp(`(^|[\\s{#,-])${key}:`, "m").test(STARTER_MANIFEST));
    expect(missing).toEqual([]);
  });

  test("explains itself: at least a third of its lines are comments", () => {
    const lines = STARTER_MANIFEST.split("\n");
    const comments = lines.filter((line) => line.trimStart().startsWith("#")).length;
    expect(comments).toBeGreaterThan(lines.length / 3);
  });
});
