import { describe, expect, test } from "bun:test";
import { isIdentity, mintIdentity, NAME_PATTERN } from "../../../src/core/identity.ts";

describe("mintIdentity", () => {
  test("is <agent>-<8 base-32 characters>", () => {
    const identity = mintIdentity("claude");
    expect(identity).toMatch(/^claude-[a-z2-7]{8}$/);
    expect(isIdentity(identity)).toBe(true);
    expect(identity).toMatch(NAME_PATTERN);
  });

  test("uses the random source it is given", () => {
    const zeros = () => new Uint8Array(8);
    expect(mintIdentity("a", zeros)).toBe("a-aaaaaaaa");
    const ramp = (size: number) => Uint8Array.from({ length: size }, (_, i) => 24 + i);
    expect(mintIdentity("a", ramp)).toBe("a-yz234567");
  });

  test("parallel starts of the same agent do not collide", () => {
    const identities = new Set(Array.from({ length: 2000 }, () => mintIdentity("claude")));
    expect(identities.size).toBe(2000);
  });
});

describe("isIdentity", () => {
  test("rejects what mintIdentity never makes", () => {
    for (const bad of ["claude", "claude-", "claude-abc", "Claude-aaaaaaaa", "claude-aaaaaaa1", "-aaaaaaaa", "claude-aaaaaaaaa"]) {
      expect(isIdentity(bad)).toBe(false);
    }
  });

  test("accepts agent names with dots, dashes and underscores", () => {
    expect(isIdentity("my_agent.v2-x-abcdefgh")).toBe(true);
  });
});

describe("NAME_PATTERN", () => {
  test("matches names Docker accepts for containers and networks, lowercase", () => {
    expect(NAME_PATTERN.test("bottle-claude-aaaa_1.x")).toBe(true);
    for (const bad of ["", "-x", ".x", "Upper", "a b", "a/b"]) expect(NAME_PATTERN.test(bad)).toBe(false);
  });
});
