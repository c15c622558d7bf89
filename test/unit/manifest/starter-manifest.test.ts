import { describe, expect, test } from "bun:test";
import { parseManifest } from "../../../src/manifest/parse-manifest.ts";
import { STARTER_MANIFEST } from "../../../src/manifest/starter-manifest.ts";
import { schemaKeys } from "./schema-keys.ts";

describe("STARTER_MANIFEST", () => {
  test("is a valid manifest", () => {
    expect(parseManifest("bottle.yaml", STARTER_MANIFEST).problems).toEqual([]);
  });

  test("mentions every key the schema knows (set, or commented out with its meaning)", () => {
    const keys = schemaKeys();
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
