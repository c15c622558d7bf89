import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseManifest } from "../../../src/manifest/parse-manifest.ts";
import { schemaKeys } from "./schema-keys.ts";

const readme = readFileSync(join(import.meta.dir, "../../../README.md"), "utf8");
const section = readme.slice(readme.indexOf("## Manifest reference"), readme.indexOf("\n## ", readme.indexOf("## Manifest reference") + 1));

describe("README's manifest reference", () => {
  const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";

  test("its example is a valid manifest", () => {
    expect(example).toContain("version: 1");
    expect(parseManifest("README.md", example).problems).toEqual([]);
  });

  test("its example shows every key the schema knows", () => {
    const missing = schemaKeys().filter((key) => !new RegExp(`(^|[\\s{,])${key}:`, "m").test(example));
    expect(missing).toEqual([]);
  });
});
