import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { expandUnions } from "../../../src/core/expand-unions.ts";

const Image = v.union([v.string(), v.strictObject({ dockerfile: v.string(), context: v.optional(v.string()) })]);
const Agent = v.object({ image: Image });
const issuesOf = (input: unknown) => expandUnions(v.safeParse(Agent, input).issues ?? []);
const paths = (issues: v.BaseIssue<unknown>[]) => issues.map((issue) => [issue.type, (issue.path ?? []).map((item) => item.key)]);

describe("expandUnions", () => {
  test("a mapping the object option matched reports what is wrong inside it, at its full path", () => {
    expect(paths(issuesOf({ image: { dockerfile: 3 } }))).toEqual([["string", ["image", "dockerfile"]]]);
  });

  test("a missing key inside the mapping is reported at that key", () => {
    expect(paths(issuesOf({ image: {} }))).toEqual([["strict_object", ["image", "dockerfile"]]]);
  });

  test("a value no option takes keeps the union issue", () => {
    expect(paths(issuesOf({ image: 5 }))).toEqual([["union", ["image"]]]);
    expect(paths(issuesOf({ image: [1] }))).toEqual([["union", ["image"]]]);
  });

  test("other issues pass through unchanged", () => {
    const issues = v.safeParse(v.object({ n: v.number() }), { n: "x" }).issues ?? [];
    expect(expandUnions(issues)).toEqual([...issues]);
  });
});
