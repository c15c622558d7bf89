import { expect, test } from "bun:test";
import { checkDockerfile } from "../../../../../src/gate/services/supervise/check-dockerfile.ts";

test("a Dockerfile that starts FROM an image and uses real instructions passes", () => {
  const result = checkDockerfile("# syntax=docker/dockerfile:1\nARG BASE=bottle-agent:1\nFROM ${BASE}\nUSER root\nRUN apt-get update \\\n    && apt-get install -y jq\nUSER agent\n");
  expect(result.ok).toBe(true);
  if (result.ok) expect(result.instructions.map((i) => i.keyword)).toEqual(["ARG", "FROM", "USER", "RUN", "USER"]);
});

test("heredoc bodies and continuation lines are not read as instructions", () => {
  expect(checkDockerfile("FROM x\nRUN <<EOF\nset -e\napt-get install jq\nEOF\n").ok).toBe(true);
  expect(checkDockerfile("FROM x\nRUN echo a \\\n  not-an-instruction\n").ok).toBe(true);
  expect(checkDockerfile("# escape=`\nFROM x\nRUN echo a `\n  more\n").ok).toBe(true);
});

test("refused: no FROM, an instruction before FROM, an unknown word, a dangling continuation or heredoc", () => {
  const problem = (text: string) => {
    const result = checkDockerfile(text);
    return result.ok ? "ok" : result.problem;
  };
  expect(problem("RUN echo hi\n")).toContain("RUN before the first FROM");
  expect(problem("# only a comment\n")).toContain("no FROM");
  expect(problem("")).toContain("no FROM");
  expect(problem("FROM x\nINSTALL jq\n")).toContain("line 2: not a Dockerfile instruction");
  expect(problem("FROM x\nRUN echo \\\n")).toContain("continues into nothing");
  expect(problem("FROM x\nRUN <<EOF\necho\n")).toContain("heredoc EOF never ends");
  expect(problem("#!/bin/sh\necho hi\n")).toContain("not a Dockerfile instruction");
});
