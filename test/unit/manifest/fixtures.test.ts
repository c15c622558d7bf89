import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { formatProblem } from "../../../src/core/config-file.ts";
import { parseManifest } from "../../../src/manifest/parse-manifest.ts";
import { EXPECTED } from "../../fixtures/manifests/expected.ts";

const dir = join(import.meta.dir, "../../fixtures/manifests");

describe("manifest fixtures", () => {
  for (const [file, expected] of Object.entries(EXPECTED)) {
    test(file, () => {
      const { manifest, problems } = parseManifest(file, readFileSync(join(dir, file), "utf8"));
      expect(problems.map(formatProblem)).toEqual(expected);
      expect(manifest === undefined).toBe(expected.length > 0);
    });
  }

  test("every fixture file is in the table", () => {
    expect(readdirSync(dir).filter((name) => name.endsWith(".yaml")).sort()).toEqual(Object.keys(EXPECTED).sort());
  });
});
