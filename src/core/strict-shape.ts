import type { AnySchema, WalkableSchema } from "./walkable-schema.ts";
import type { DataPath } from "./config-file.ts";

/** What the shape walk found: keys no schema allows, and lists where a mapping belongs. */
export interface ShapeFindings {
  unknownKeys: DataPath[];
  listsForMappings: DataPath[];
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Walks `data` along `schema` for what valibot 1.5 reports poorly: its `strictObject`
 * stops at the first unknown key of each object (a file with two typos deserves to hear
 * about both), and its `object`/`record` accept a list, reading indexes as keys.
 */
export function strictShape(schema: AnySchema, data: unknown): ShapeFindings {
  const findings: ShapeFindings = { unknownKeys: [], listsForMappings: [] };
  const walk = (schemaNode: AnySchema, value: unknown, path: DataPath): void => {
    let node = schemaNode as WalkableSchema;
    while (node.wrapped !== undefined) node = node.wrapped as WalkableSchema;
    if (node.type === "union") {
      const option = node.options?.find((candidate) => (candidate as WalkableSchema).entries !== undefined);
      if (option !== undefined && (isMapping(value) || Array.isArray(value))) walk(option, value, path);
      return;
    }
    const wantsMapping = node.entries !== undefined || node.type === "record";
    if (wantsMapping && Array.isArray(value)) {
      findings.listsForMappings.push(path);
      return;
    }
    if (node.entries !== undefined && isMapping(value)) {
      for (const [key, item] of Object.entries(value)) {
        const entry = node.entries[key];
        if (entry !== undefined) walk(entry, item, [...path, key]);
        else if (node.type === "strict_object") findings.unknownKeys.push([...path, key]);
      }
    } else if (node.type === "record" && node.value !== undefined && isMapping(value)) {
      for (const [key, item] of Object.entries(value)) walk(node.value, item, [...path, key]);
    } else if (node.type === "array" && node.item !== undefined && Array.isArray(value)) {
      value.forEach((item, index) => walk(node.item!, item, [...path, index]));
    }
  };
  walk(schema, data, []);
  return findings;
}
