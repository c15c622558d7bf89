import { describe, expect, test } from "bun:test";
import { formatProblem } from "../../../src/core/config-file.ts";
import { DEFAULT_MANIFEST } from "../../../src/manifest/default-manifest.ts";
import { parseManifest } from "../../../src/manifest/parse-manifest.ts";

const lines = (file: string, text: string) => parseManifest(file, text).problems.map(formatProblem);

describe("parseManifest", () => {
  test("fills defaults for a minimal manifest", () => {
    const { manifest, problems } = parseManifest("m.yaml", "version: 1\nagents:\n  claude: {}\n");
    expect(problems).toEqual([]);
    expect(manifest?.agents.claude).toEqual({ image: "default", skills: [], env: {}, bottle: "default" });
  });

  test("an agent naming `default` with no bottles.default gets the built-in default bottle", () => {
    const { manifest } = parseManifest("m.yaml", "version: 1\nagents:\n  claude: {}\nbottles:\n  other: {}\n");
    expect(manifest?.bottles.default).toEqual(DEFAULT_MANIFEST.bottles.default!);
    expect(manifest?.bottles.default?.egress.routes.map((route) => route.name)).toEqual(["anthropic"]);
  });

  test("a defined bottles.default is kept as written", () => {
    const { manifest } = parseManifest("m.yaml", "version: 1\nagents:\n  claude: {}\nbottles:\n  default:\n    runtime: runc\n");
    expect(manifest?.bottles.default?.runtime).toBe("runc");
    expect(manifest?.bottles.default?.egress.routes).toEqual([]);
  });

  test("JSON is accepted (it is YAML)", () => {
    expect(parseManifest("m.json", '{"version": 1, "agents": {"a": {"command": ["sh"]}}}').problems).toEqual([]);
  });

  test("reports schema and cross-reference problems together, sorted", () => {
    const text = "version: 1\nbottles:\n  b:\n    supervise: maybe\nagents:\n  a:\n    bottle: c\n";
    expect(lines("m.yaml", text)).toEqual([
      'm.yaml:4:16: expected true, false, or { when_unattended, expire_after }, got the string "maybe"',
      'm.yaml:7:13: agent "a" uses bottle "c", which is not defined under `bottles` (known: default, b)',
    ]);
  });

  test("duplicate keys are reported with the rest of the problems", () => {
    expect(lines("m.yaml", "version: 1\nagents:\n  a:\n    bottle: x\n    bottle: y\n    comand: [sh]\n")).toEqual([
      'm.yaml:5:5: duplicate key "bottle"',
      'm.yaml:5:13: agent "a" uses bottle "y", which is not defined under `bottles` (known: default)',
      'm.yaml:6:5: unknown key "comand" (did you mean "command"?)',
    ]);
  });

  test("version problems name the version found", () => {
    expect(lines("m", 'version: "1"\nagents: {a: {}}\n')).toEqual(['m:1:10: unsupported version "1": this bottle reads version 1']);
    expect(lines("m", "agents: {a: {}}\n")).toEqual(['m:1:1: missing key "version": this bottle reads version 1']);
  });

  test("comments only is an empty manifest; a scalar top level is not a mapping", () => {
    expect(lines("m", "# nothing yet\n")).toEqual(["m:1:1: empty manifest: expected `version: 1` and `agents`"]);
    expect(lines("m", "\n\nhello\n")).toEqual([
      'm:3:1: the top level must be a mapping with `version: 1` and `agents`, got string "hello"',
    ]);
  });

  test("an agents mapping with no agents is a problem", () => {
    expect(lines("m", "version: 1\nagents: {}\n")).toEqual(["m:2:9: no agents: define at least one under `agents`"]);
  });

  test("numeric keys are located like string keys", () => {
    expect(lines("m", "version: 1\nagents:\n  a:\n    env:\n      1: x\n")).toEqual([
      'm:5:7: not a valid environment variable name (got "1")',
    ]);
  });

  test("a key with no value points at the key", () => {
    expect(lines("m", "version: 1\nagents:\n  a:\n    image:\n")).toEqual([
      "m:4:5: expected `default`, an image reference, or { dockerfile: PATH }, got nothing",
    ]);
  });

  test("a wrong value inside `image: { dockerfile }` points at that value, not at the mapping", () => {
    expect(lines("m", "version: 1\nagents:\n  a:\n    image: { dockerfile: 3 }\n  b:\n    image: { context: . }\n  c:\n    image: 5\n")).toEqual([
      "m:4:26: expected a string, got number 3",
      'm:6:12: missing key "dockerfile"',
      "m:8:12: expected `default`, an image reference, or { dockerfile: PATH }, got number 5",
    ]);
  });

  test("an alias bomb is refused, not expanded", () => {
    const bomb = ["version: 1", "a: &a [x, x, x, x, x, x, x, x, x, x]", "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]", "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]", "agents: {z: {skills: *c}}"].join("\n");
    const { manifest, problems } = parseManifest("m", bomb);
    expect(manifest).toBeUndefined();
    expect(problems.length).toBeGreaterThan(0);
  });

  test("forwarded env keeps its name; $ without braces is literal", () => {
    const { manifest, problems } = parseManifest("m", 'version: 1\nagents:\n  a:\n    env:\n      GH_HOST: ${GH_HOST}\n      PRICE: "$5 $HOME"\n');
    expect(problems).toEqual([]);
    expect(manifest?.agents.a?.env).toEqual({ GH_HOST: "${GH_HOST}", PRICE: "$5 $HOME" });
  });
});

test("an unclosed flow collection is reported at its opening bracket, and no syntax error lies past the file's end", () => {
  // `yaml` reports both at the end of the file: a line past the last when it ends in a line break.
  for (const [text, expected] of [
    ["version: 1\nagents:\n  claude:\n    image: [default\n", "m.yaml:4:12: `[` is never closed: a flow sequence ends with `]`, on its line or indented under its key"],
    ["version: 1\nagents:\n  claude:\n    image: [default", "m.yaml:4:12: `[` is never closed: a flow sequence ends with `]`, on its line or indented under its key"],
    ["version: 1\nagents:\n  claude: { image: x\n", "m.yaml:3:11: `{` is never closed: a flow mapping ends with `}`, on its line or indented under its key"],
  ] as const) {
    expect(parseManifest("m.yaml", text).problems.map(formatProblem)).toEqual([expected]);
  }
  const { problems } = parseManifest("m.yaml", 'version: 1\nagents:\n  claude:\n    image: "open\n\n\n');
  expect(problems.every((problem) => problem.line <= 4)).toBe(true);
});
