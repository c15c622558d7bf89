import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { issuePath } from "../../../src/core/config-file.ts";
import { describeIssue, describeValue, keysAt, schemaAt } from "../../../src/core/describe-issue.ts";

const schema = v.strictObject({
  image: v.optional(v.union([v.string(), v.strictObject({ dockerfile: v.string(), context: v.optional(v.string()) })], "an image")),
  list: v.optional(v.array(v.strictObject({ name: v.string() }))),
  flag: v.optional(v.boolean()),
  size: v.optional(v.pipe(v.string(), v.regex(/^\d+$/, "expected digits"))),
});

const messages = (input: unknown) => {
  const result = v.safeParse(schema, input);
  const describe = describeIssue(schema);
  return (result.issues ?? []).map((issue) => describe(issue, issuePath(issue)));
};

describe("describeIssue", () => {
  test("wrong types read as expected/got, never valibot's raw wording", () => {
    expect(messages({ flag: "yes", list: "x" })).toEqual(['expected a list, got the string "x"', 'expected true or false, got the string "yes"']);
  });
  test("a schema's own message is kept, with the value when it is short", () => {
    expect(messages({ size: "12a" })).toEqual(['expected digits (got "12a")']);
    expect(messages({ image: 5 })).toEqual(["expected an image, got number 5"]);
  });
  test("unknown keys get a did-you-mean or the allowed keys; missing keys are named", () => {
    expect(messages({ imag: "x" })).toEqual(['unknown key "imag" (did you mean "image"?)']);
    expect(messages({ zzz: 1 })).toEqual(['unknown key "zzz" (allowed here: image, list, flag, size)']);
    expect(messages({ list: [{}] })).toEqual(['missing key "name"']);
  });
});

describe("schemaAt / keysAt / describeValue", () => {
  test("walk optional wrappers, arrays and union options", () => {
    expect(keysAt(schema, [])).toEqual(["image", "list", "flag", "size"]);
    expect(keysAt(schema, ["list", 0])).toEqual(["name"]);
    expect(keysAt(schema, ["image"])).toEqual(["dockerfile", "context"]);
    expect(schemaAt(schema, ["image", "dockerfile"])?.type).toBe("string");
    expect(schemaAt(schema, ["nope", "deeper"])).toBeUndefined();
  });
  test("describeValue names values as a person would", () => {
    expect([null, "x", 3, true, [], {}].map(describeValue)).toEqual(["nothing", 'the string "x"', "number 3", "boolean true", "a list", "a mapping"]);
    expect(describeValue("y".repeat(50))).toBe(`the string "${"y".repeat(37)}..."`);
  });
});
