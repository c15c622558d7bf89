import { toJsonSchema } from "@valibot/to-json-schema";
import { EnvValueSchema } from "./env-value.ts";
import { ManifestSchema } from "./schema.ts";

/**
 * The manifest's JSON Schema (draft-07), generated from the valibot schema so the two
 * cannot disagree; editors use it for completion (`bottle schema > bottle.schema.json`).
 * `errorMode: "throw"` makes a schema feature JSON Schema cannot express fail here,
 * at generation, rather than silently loosening the published schema.
 */
export function manifestJsonSchema(): Record<string, unknown> {
  const { $schema, ...schema } = toJsonSchema(ManifestSchema, {
    errorMode: "throw",
    // An env value YAML reads as a number or boolean (`PORT: 8080`) is taken as written
    // (see env-scalars-as-text.ts): editors must accept it too. Patterns bind strings only.
    // The converter hands over a pipe's first schema (valibot 1.5), so that is what is matched.
    overrideSchema: ({ valibotSchema, jsonSchema }) =>
      valibotSchema === (EnvValueSchema.pipe[0] as unknown) ? { ...jsonSchema, type: ["string", "number", "boolean"] } : undefined,
    // A cross-field check (egress: rules need tls.inspect) has no JSON Schema form; validation still runs it.
    ignoreActions: ["check"],
    // JSON Schema has one `pattern` per schema; a second regex (env values have two, for
    // two clear messages) becomes an `allOf` entry instead of an error.
    overrideAction: ({ valibotAction, jsonSchema }) => {
      const action = valibotAction as { type: string; requirement?: unknown };
      // A transform only normalizes what the pattern already allowed (memory sizes).
      if (action.type === "transform") return jsonSchema;
      if (action.type !== "regex" || !(action.requirement instanceof RegExp) || jsonSchema.pattern === undefined) return undefined;
      if (jsonSchema.pattern === action.requirement.source) return undefined;
      const { allOf = [], ...rest } = jsonSchema;
      return { ...rest, allOf: [...allOf, { pattern: action.requirement.source }] };
    },
  });
  return {
    $schema,
    title: "bottle manifest (bottle.yaml)",
    description: "Agents and the bottles (sandbox + egress gate) they run in. See the README's manifest reference.",
    ...schema,
  };
}

/** The schema as the committed file holds it: 2-space JSON and a final newline. */
export function manifestJsonSchemaText(): string {
  return `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`;
}
