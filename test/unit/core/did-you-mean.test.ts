import { describe, expect, test } from "bun:test";
import { didYouMean, levenshtein } from "../../../src/core/did-you-mean.ts";

describe("didYouMean", () => {
  test("levenshtein counts edits", () => {
    expect(levenshtein("comand", "command")).toBe(1);
    expect(levenshtein("kitten", "sitting")).toBe(3);
    expect(levenshtein("", "abc")).toBe(3);
  });
  test("suggests close keys, and nothing for far ones", () => {
    const keys = ["image", "command", "prompt", "prompt_file", "skills", "env", "bottle"];
    expect(didYouMean("comand", keys)).toBe("command");
    expect(didYouMean("promt", keys)).toBe("prompt");
    expect(didYouMean("prompt-file", keys)).toBe("prompt_file");
    expect(didYouMean("Image", keys)).toBe("image");
    expect(didYouMean("frobnicate", keys)).toBeUndefined();
    expect(didYouMean("x", keys)).toBeUndefined();
  });
});
