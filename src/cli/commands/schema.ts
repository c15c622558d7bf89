import { manifestJsonSchemaText } from "../../manifest/json-schema.ts";
import type { CommandContext } from "../context.ts";

/** `bottle schema`: prints the manifest's JSON Schema (the same as src/manifest/bottle.schema.json). */
export async function run(context: CommandContext): Promise<number> {
  context.stdout.write(manifestJsonSchemaText());
  return 0;
}
