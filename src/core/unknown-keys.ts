import type * as v from "valibot";
import type { DataPath } from "./config-file.ts";

type AnySchema = v.BaseSchema<unknown, unknown, v.BaseIssue<unknown>>;
type Walkable = AnySchema & {
  entries?: Record<string, AnySchema>;
  wrapped?: AnySchema;
  item?: AnySchema;
  value?: AnySchema;
  options?: AnySchema[];
};

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Every key in `data` that a strict object of `schema` does not allow. valibot's
 * `strictObject` stops at the first unknown key of each object; a config file with two
 * typos deserves to hear about both at once.
 */
export function unknownKeys(schema: AnySchema, data: unknown, path: DataPath = []): DataPath[] {
  let node = schema as Walkable;
  while (node.wrapped !== undefined) node = node.wrapped as Walkable;
  if (node.type === "union" && isMapping(data)) {
    const option = node.options?.find((candidate) => (candidate as Walkable).entries !== undefined);
    return option === undefined ? [] : unknownKeys(option, data, path);
  }
  const found: DataPath[] = [];
  if (node.entries !== undefined && isMapping(data)) {
    for (const [key, value] of Object.entries(data)) {
      const entry = node.entries[key];
      if (entry === undefined) {
        if (node.type === "strict_object") found.push([...path, key]);
      } else found.push(...unknownKeys(entry, value, [...path, key]));
    }
  } else if (node.type === "record" && node.value !== undefined && isMapping(data)) {
    for (const [key, value] of Object.entries(data)) found.push(...unknownKeys(node.value, value, [...path, key]));
  } else if (node.type === "array" && node.item !== undefined && Array.isArray(data)) {
    data.forEach((item, index) => found.push(...unknownKeys(node.item!, item, [...path, index])));
  }
  return found;
}
