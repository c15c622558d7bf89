import { expect, test } from "bun:test";
import { shellWords } from "../../../src/cli/shell-words.ts";

test("shellWords quotes only what a shell would split or expand", () => {
  expect(shellWords(["docker", "run", "--label", "dev.bottle.identity=claude-abc", "a b", "it's", "$HOME", ""])).toBe(
    `docker run --label dev.bottle.identity=claude-abc 'a b' 'it'\\''s' '$HOME' ''`,
  );
});
