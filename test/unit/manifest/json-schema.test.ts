import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { manifestJsonSchema, manifestJsonSchemaText } from "../../../src/manifest/json-schema.ts";

describe("manifestJsonSchema", () => {
  test("the committed src/manifest/bottle.schema.json is the generated one (run `bun run schema`)", () => {
    const committed = readFileSync(join(import.meta.dir, "../../../src/manifest/bottle.schema.json"), "utf8");
    expect(committed).toBe(manifestJsonSchemaText());
  });

  test("describes the manifest's shape: strict objects, required keys, enums, env patterns", () => {
    const schema = manifestJsonSchema() as any;
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.required).toEqual(["version", "agents"]);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.version).toMatchObject({ const: 1 });
    expect(schema.properties.agents.description).toContain("Agents by name");
    const bottle = schema.properties.bottles.additionalProperties;
    expect(bottle.properties.runtime.enum).toEqual(["auto", "runc", "runsc"]);
    const env = schema.properties.agents.additionalProperties.properties.env.additionalProperties;
    const patterns = [env.pattern, ...env.allOf.map((entry: { pattern: string }) => entry.pattern)].map((source) => new RegExp(source));
    const accepts = (value: string) => patterns.every((pattern) => pattern.test(value));
    expect(accepts("${GH_HOST}")).toBe(true);
    expect(accepts("plain $HOME")).toBe(true);
    expect(accepts("Bearer ${TOKEN}")).toBe(false);
    expect(accepts("two\nlines")).toBe(false);
  });
});

test("env values may be YAML numbers and booleans in editors too, as the parser takes them", () => {
  const schema = manifestJsonSchema() as { properties: { agents: { additionalProperties: { properties: { env: { additionalProperties: { type: unknown } } } } } } };
  expect(schema.properties.agents.additionalProperties.properties.env.additionalProperties.type).toEqual(["string", "number", "boolean"]);
});
