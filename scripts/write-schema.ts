/**
 * Writes schema/bottle.schema.json from the valibot schema (`bun run schema`). The file
 * is committed so editors can point at it; a unit test fails when it goes stale.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { manifestJsonSchemaText } from "../src/manifest/json-schema.ts";

const file = join(import.meta.dir, "..", "schema", "bottle.schema.json");
mkdirSync(join(file, ".."), { recursive: true });
writeFileSync(file, manifestJsonSchemaText());
console.log(`wrote ${file}`);
