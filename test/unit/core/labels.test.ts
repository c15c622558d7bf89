import { describe, expect, test } from "bun:test";
import { bottleLabels, LABEL, labelArgs } from "../../../src/core/labels.ts";
import { VERSION } from "../../../src/core/version.ts";

describe("bottleLabels", () => {
  test("names the identity, the role and the bottle version", () => {
    expect(bottleLabels("claude-abcdefgh", "gate")).toMatchObject({
      "dev.bottle.identity": "claude-abcdefgh",
      "dev.bottle.role": "gate",
      "dev.bottle.version": VERSION,
    });
  });

  test("uses only the label names LABEL declares", () => {
    const known: string[] = Object.values(LABEL);
    for (const key of Object.keys(bottleLabels("x-aaaaaaaa", "agent"))) expect(known).toContain(key);
  });
});

describe("labelArgs", () => {
  test("turns labels into --label k=v pairs", () => {
    expect(labelArgs({ a: "1", "dev.bottle.role": "network" })).toEqual(["--label", "a=1", "--label", "dev.bottle.role=network"]);
    expect(labelArgs({})).toEqual([]);
  });

  test("keeps a value with '=' or spaces as one argument", () => {
    expect(labelArgs({ k: "a=b c" })).toEqual(["--label", "k=a=b c"]);
  });
});
