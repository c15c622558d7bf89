import { keysAt } from "../../../src/core/describe-issue.ts";
import { ManifestSchema } from "../../../src/manifest/schema.ts";

/** Every key name the manifest schema knows, at any depth (for "documents every key" tests). */
export function schemaKeys(path: (string | number)[] = []): string[] {
  const keys = keysAt(ManifestSchema, path).flatMap((key) => [
    key,
    ...schemaKeys([...path, key]),
    ...schemaKeys([...path, key, "x"]),
    ...schemaKeys([...path, key, 0]),
  ]);
  return [...new Set(keys)];
}
