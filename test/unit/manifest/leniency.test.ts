import { describe, expect, test } from "bun:test";
import { formatProblem } from "../../../src/core/config-file.ts";
import { normalizeMemory } from "../../../src/manifest/memory-size.ts";
import { parseManifest } from "../../../src/manifest/parse-manifest.ts";

const withEnv = (env: string) => `version: 1\nagents:\n  a:\n    env:\n${env}`;
const withMemory = (memory: string) => `version: 1\nagents:\n  a: {}\nbottles:\n  default:\n    resources: { memory: ${memory} }\n`;

describe("env values YAML reads as numbers or booleans", () => {
  test("are taken as the text they were written as", () => {
    const { manifest, problems } = parseManifest("m.yaml", withEnv("      PORT: 8080\n      RATIO: 1.50\n      DEBUG: true\n      MASK: 0x1F\n      OFF: false\n"));
    expect(problems).toEqual([]);
    expect(manifest?.agents.a?.env).toEqual({ PORT: "8080", RATIO: "1.50", DEBUG: "true", MASK: "0x1F", OFF: "false" });
  });

  test("an empty value is still an error at its position", () => {
    const { problems } = parseManifest("m.yaml", withEnv("      PORT: 8080\n      EMPTY:\n"));
    expect(problems.map(formatProblem)).toEqual(["m.yaml:6:7: expected a string, got nothing"]);
  });

  test("a list or mapping is still an error at its position", () => {
    const { problems } = parseManifest("m.yaml", withEnv("      LIST: [1, 2]\n"));
    expect(problems.map(formatProblem)[0]).toStartWith("m.yaml:5:13: ");
  });
});

describe("resources.memory as docker reads it", () => {
  test.each([
    ["4g", "4g"],
    ["4gb", "4g"],
    ["4GiB", "4g"],
    ["4GB", "4g"],
    ["512MiB", "512m"],
    ["512 m", "512m"],
    ["1.5g", "1.5g"],
    ["2t", "2048g"],
    ['"1073741824"', "1073741824"],
  ])("%s is accepted as %s", (written, normalized) => {
    const { manifest, problems } = parseManifest("m.yaml", withMemory(written));
    expect(problems).toEqual([]);
    expect(manifest?.bottles.default?.resources.memory).toBe(normalized);
  });

  test.each(["4 gigs", "g4", "4gg", "-1g", "4x"])("%s is an error at its position", (written) => {
    const { problems } = parseManifest("m.yaml", withMemory(written));
    expect(problems.map(formatProblem)).toEqual([`m.yaml:6:26: expected a size such as 512m, 4g, 4gb or 4GiB (got "${written}")`]);
  });

  test("normalizeMemory leaves what it does not understand alone", () => {
    expect(normalizeMemory("lots")).toBe("lots");
  });
});
