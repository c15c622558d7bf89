import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { formatProblem } from "../../../src/core/config-file.ts";
import { parseManifest } from "../../../src/manifest/parse-manifest.ts";

const dir = join(import.meta.dir, "../../fixtures/manifests");

// One fixture per error class, with the exact FILE:LINE:COL each problem must point at.
const EXPECTED: Record<string, string[]> = {
  "duplicate-key.yaml": [
    "duplicate-key.yaml:6:5: duplicate key \"image\"",
  ],
  "duplicate-route-name.yaml": [
    "duplicate-route-name.yaml:10:17: duplicate route name \"api\" in bottle \"default\" (first at line 8)",
  ],
  "empty.yaml": [
    "empty.yaml:1:1: empty manifest: expected `version: 1` and `agents`",
  ],
  "env-interpolation.yaml": [
    "env-interpolation.yaml:5:14: `${` is only allowed as the whole value, `${NAME}`, which forwards the host variable NAME (got \"Bearer ${GH_TOKEN}\")",
    "env-interpolation.yaml:7:18: `${` is only allowed as the whole value, `${NAME}`, which forwards the host variable NAME (got \"$HOME/bin:${PATH}\")",
  ],
  "env-newline.yaml": [
    "env-newline.yaml:5:17: a literal env value cannot contain a newline",
  ],
  "invalid-name.yaml": [
    "invalid-name.yaml:3:3: not a valid name: use lowercase letters, digits, '_', '.', '-', starting with a letter or digit, at most 40 characters (got \"My Agent\")",
    "invalid-name.yaml:4:13: not a valid name: use lowercase letters, digits, '_', '.', '-', starting with a letter or digit, at most 40 characters (got \"Default_Bottle\")",
    "invalid-name.yaml:6:3: not a valid name: use lowercase letters, digits, '_', '.', '-', starting with a letter or digit, at most 40 characters (got \"Default_Bottle\")",
  ],
  "many-problems.yaml": [
    "many-problems.yaml:4:5: unknown key \"comand\" (did you mean \"command\"?)",
    "many-problems.yaml:6:14: a literal env value cannot contain a newline",
    "many-problems.yaml:7:13: agent \"claude\" uses bottle \"nowhere\", which is not defined under `bottles` (known: default)",
    "many-problems.yaml:9:13: expected a list, got number 3",
    "many-problems.yaml:12:14: expected auto | runc | runsc, got the string \"fast\"",
  ],
  "missing-key.yaml": [
    "missing-key.yaml:1:1: missing key \"version\": this bottle reads version 1",
    "missing-key.yaml:7:11: missing key \"upstream\"",
  ],
  "prompt-and-prompt-file.yaml": [
    "prompt-and-prompt-file.yaml:5:5: set `prompt` or `prompt_file`, not both",
  ],
  "top-level-list.yaml": [
    "top-level-list.yaml:1:1: the top level must be a mapping with `version: 1` and `agents`, got a list",
  ],
  "two-claude-routes.yaml": [
    "two-claude-routes.yaml:13:19: a second route with role claude_code_oauth in bottle \"default\" (the first is at line 8); a bottle has at most one",
  ],
  "unknown-bottle.yaml": [
    "unknown-bottle.yaml:4:13: agent \"claude\" uses bottle \"strict\", which is not defined under `bottles` (known: default, sandbox)",
  ],
  "unknown-key.yaml": [
    "unknown-key.yaml:4:5: unknown key \"comand\" (did you mean \"command\"?)",
    "unknown-key.yaml:8:7: unknown key \"alow\" (did you mean \"allow\"?)",
    "unknown-key.yaml:9:7: unknown key \"frobnicate\" (allowed here: allow, deny, allow_cidrs, routes, dlp)",
  ],
  "unsupported-version.yaml": [
    "unsupported-version.yaml:1:10: unsupported version 2: this bottle reads version 1",
  ],
  "valid-full.yaml": [
  ],
  "valid-minimal.yaml": [
  ],
  "wrong-type.yaml": [
    "wrong-type.yaml:4:13: expected a list, got the string \"./skills/review\"",
    "wrong-type.yaml:5:14: expected a list, got the string \"claude\"",
    "wrong-type.yaml:8:14: expected auto | runc | runsc, got the string \"docker\"",
    "wrong-type.yaml:9:24: expected a number, got the string \"two\"",
    "wrong-type.yaml:9:37: expected a size such as 512m or 4g (got \"lots\")",
    "wrong-type.yaml:10:16: expected true or false, got the string \"yes\"",
  ],
  "yaml-syntax.yaml": [
    "yaml-syntax.yaml:5:5: Flow sequence in block collection must be sufficiently indented and end with a ]",
  ],
};

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
