import type * as v from "valibot";
import type { AnySchema, WalkableSchema } from "./walkable-schema.ts";
import { isUnknownKeyIssue, type DataPath } from "./config-file.ts";
import { didYouMean } from "./did-you-mean.ts";

/**
 * The schema that validates the value at `path`, looking through optional wrappers,
 * records and arrays. Unions answer with their first object option that has the key.
 */
export function schemaAt(schema: AnySchema, path: DataPath): AnySchema | undefined {
  let current: WalkableSchema | undefined = schema as WalkableSchema;
  const unwrap = (node: WalkableSchema | undefined): WalkableSchema | undefined => {
    while (node?.wrapped !== undefined) node = node.wrapped as WalkableSchema;
    return node;
  };
  for (const segment of path) {
    current = unwrap(current);
    if (current === undefined) return undefined;
    if (current.type === "union") {
      current = current.options?.map((option) => unwrap(option as WalkableSchema)).find((option) => option?.entries?.[segment] !== undefined);
    }
    if (current?.entries !== undefined) current = current.entries[segment] as WalkableSchema | undefined;
    else if (current?.type === "record") current = current.value as WalkableSchema | undefined;
    else if (current?.type === "array") current = current.item as WalkableSchema | undefined;
    else return undefined;
  }
  return unwrap(current);
}

/** The keys an object schema allows at `path` (empty when it is not an object). */
export function keysAt(schema: AnySchema, path: DataPath): string[] {
  const found = schemaAt(schema, path) as WalkableSchema | undefined;
  if (found?.type === "union") {
    return [...new Set(found.options?.flatMap((option) => Object.keys((option as WalkableSchema).entries ?? {})))];
  }
  return Object.keys(found?.entries ?? {});
}

/** A value as a person would describe it in a message: `the string "x"`, `a list`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null) return "nothing";
  if (typeof value === "string") {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${value}`;
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return typeof value;
}

/** `unknown key "comand" (did you mean "command"?)`, or the keys allowed at that level. */
export function unknownKeyMessage(root: AnySchema, path: DataPath): string {
  const key = String(path.at(-1));
  const allowed = keysAt(root, path.slice(0, -1));
  const suggestion = didYouMean(key, allowed);
  if (suggestion !== undefined) return `unknown key "${key}" (did you mean "${suggestion}"?)`;
  return `unknown key "${key}" (allowed here: ${allowed.join(", ")})`;
}

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  strict_object: "a mapping",
  record: "a mapping",
};

/**
 * Turns valibot issues into messages a person can act on: unknown keys with a
 * did-you-mean against the keys allowed at that level, missing keys by name, and
 * "expected a list, got the string "x"" instead of "Expected Array but received…".
 * Schemas' own messages (a regex's "not a valid name…") are kept, with the value.
 */
export function describeIssue(root: AnySchema) {
  return (issue: v.BaseIssue<unknown>, path: DataPath): string => {
    const key = path.at(-1);
    if (isUnknownKeyIssue(issue)) return unknownKeyMessage(root, path);
    if (issue.type === "strict_object" && issue.input === undefined && key !== undefined) {
      return `missing key "${key}"`;
    }
    const custom = !issue.message.startsWith("Invalid ");
    if (issue.kind === "schema") {
      const expected = custom ? issue.message : (EXPECTED[issue.type] ?? issue.expected ?? issue.type);
      return `expected ${expected}, got ${describeValue(issue.input)}`;
    }
    // Validation issues (regex, url, length…) carry their own sentence; show the value when short.
    const value = issue.input;
    const show = typeof value === "string" && value.length <= 60 && !/[\r\n]/.test(value);
    return show ? `${issue.message} (got ${JSON.stringify(value)})` : issue.message;
  };
}
