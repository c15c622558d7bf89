import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { ConfigError, formatProblem, issuesToProblems, locate, parseSource, position, sortProblems } from "../../../src/core/config-file.ts";
import { BottleError } from "../../../src/core/errors.ts";

describe("position", () => {
  test("is 1-based and clamped into the text", () => {
    expect(position("ab\ncd", 0)).toEqual({ line: 1, col: 1 });
    expect(position("ab\ncd", 3)).toEqual({ line: 2, col: 1 });
    expect(position("ab\ncd", 4)).toEqual({ line: 2, col: 2 });
    expect(position("ab\ncd", 99)).toEqual({ line: 2, col: 3 });
    expect(position("", 5)).toEqual({ line: 1, col: 1 });
    expect(position("a\n", 2)).toEqual({ line: 2, col: 1 });
  });
});

describe("parseSource", () => {
  test("syntax errors are problems, not exceptions, and leave no data", () => {
    const { source, problems } = parseSource("c.yaml", "a: [1, 2\nb: 3\n");
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ file: "c.yaml", line: expect.any(Number), col: expect.any(Number) });
    expect(source.data).toBeUndefined();
  });

  test("duplicate keys name the key and still yield data (the last value wins)", () => {
    const { source, problems } = parseSource("c.yaml", "a: 1\nb: 2\n'a': 3\n");
    expect(problems.map(formatProblem)).toEqual(["c.yaml:3:1: duplicate key 'a'"]);
    expect(source.data).toEqual({ a: 3, b: 2 });
  });

  test("a second document is one problem at its `---`, worded for people", () => {
    const { problems } = parseSource("c.yaml", "a: 1\n---\nb: 2\n");
    expect(problems.map(formatProblem)).toEqual([
      "c.yaml:2:1: a second YAML document starts here: this file must hold exactly one",
    ]);
  });

  test("an unresolved tag is a problem", () => {
    const { problems } = parseSource("c.yaml", "a: !nope 1\n");
    expect(problems.map(formatProblem)).toEqual([expect.stringMatching(/^c\.yaml:1:4: Unresolved tag: !nope/)]);
  });
});

describe("locate", () => {
  const { source } = parseSource("c.yaml", "top:\n  list:\n    - name: x\n    - {name: y, port: 80}\n  empty:\n");
  test("points at values, keys, list items and flow mappings", () => {
    expect(locate(source, ["top", "list", 0, "name"])).toEqual({ line: 3, col: 13 });
    expect(locate(source, ["top", "list", 1, "port"], "key")).toEqual({ line: 4, col: 17 });
    expect(locate(source, ["top", "list", 1])).toEqual({ line: 4, col: 7 });
    expect(locate(source, ["top", "list"], "key")).toEqual({ line: 2, col: 3 });
  });
  test("a missing key points at its nearest existing parent; an empty value at its key", () => {
    expect(locate(source, ["top", "list", 0, "port"])).toEqual({ line: 3, col: 7 });
    expect(locate(source, ["top", "empty"])).toEqual({ line: 5, col: 3 });
    expect(locate(source, ["nope", "deeper"])).toEqual({ line: 1, col: 1 });
  });
});

describe("issuesToProblems", () => {
  test("maps valibot issues to positions; record-key issues point at the key", () => {
    const schema = v.object({ names: v.record(v.pipe(v.string(), v.regex(/^[a-z]+$/, "lowercase only")), v.number()) });
    const { source } = parseSource("c.yaml", "names:\n  ok: 1\n  Bad: 2\n  fine: x\n");
    const result = v.safeParse(schema, source.data);
    const problems = sortProblems(issuesToProblems(source, result.issues ?? []));
    expect(problems.map(({ line, col, message }) => [line, col, message.split(":")[0]])).toEqual([
      [3, 3, "lowercase only"],
      [4, 9, "Invalid type"],
    ]);
  });
});

describe("ConfigError and sortProblems", () => {
  test("a ConfigError is a BottleError listing every problem", () => {
    const error = new ConfigError([{ file: "f", line: 2, col: 1, message: "b" }, { file: "f", line: 1, col: 4, message: "a" }], "fix it");
    expect(error).toBeInstanceOf(BottleError);
    expect(error.message).toBe("2 problems in f:\nf:2:1: b\nf:1:4: a");
    expect(error.hint).toBe("fix it");
  });
  test("sortProblems orders by line then column and drops exact repeats", () => {
    const problem = (line: number, col: number, message = "m") => ({ file: "f", line, col, message });
    expect(sortProblems([problem(2, 1), problem(1, 5), problem(1, 2), problem(1, 2)])).toEqual([problem(1, 2), problem(1, 5), problem(2, 1)]);
  });
});
