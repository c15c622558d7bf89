/**
 * Writes src/manifest/bottle.schema.json from the valibot schema (`bun run schema`). The file
 * is committed so editors can point at it; a unit test fails when it goes stale.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { manifestJsonSchemaText } from "../src/manifest/json-schema.ts";

const file = join(import.meta.dir, "..", "src", "manifest", "bottle.schema.json");
writeFileSync(file, manifestJsonSchemaText());
console.log(`wrote ${file}`);
