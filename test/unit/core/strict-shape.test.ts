import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { strictShape } from "../../../src/core/strict-shape.ts";

const schema = v.strictObject({
  items: v.optional(v.array(v.strictObject({ name: v.string() }))),
  byName: v.optional(v.record(v.string(), v.strictObject({ on: v.boolean() }))),
  image: v.optional(v.union([v.string(), v.strictObject({ dockerfile: v.string() })])),
});

describe("strictShape", () => {
  test("finds every unknown key, at every depth (valibot reports only the first per object)", () => {
    const data = { itmes: 1, extra: 2, items: [{ name: "a", nme: "b" }], byName: { x: { on: true, of: 1 } }, image: { dokerfile: "D" } };
    expect(strictShape(schema, data).unknownKeys).toEqual([["itmes"], ["extra"], ["items", 0, "nme"], ["byName", "x", "of"], ["image", "dokerfile"]]);
  });
  test("finds lists where mappings belong (valibot would read their indexes as keys)", () => {
    expect(strictShape(schema, { byName: [{ on: true }] }).listsForMappings).toEqual([["byName"]]);
    expect(strictShape(schema, { items: [["name"]] }).listsForMappings).toEqual([["items", 0]]);
    expect(strictShape(schema, [1]).listsForMappings).toEqual([[]]);
  });
  test("finds nothing in valid data", () => {
    expect(strictShape(schema, { items: [{ name: "a" }], byName: { x: { on: false } }, image: "default" })).toEqual({ unknownKeys: [], listsForMappings: [] });
  });
});
