import * as v from "valibot";
import { BottleError } from "../../core/errors.ts";
import type { Runner } from "../../core/runner.ts";

/** One row of `smolvm machine ls --json`, the fields bottle reads (others are ignored). */
const MachineRowSchema = v.looseObject({
  name: v.string(),
  state: v.string(),
  labels: v.optional(v.nullable(v.record(v.string(), v.string())), {}),
});

/** A machine smolvm knows about. */
export type MachineRow = { name: string; state: string; labels: Record<string, string> };

/**
 * Every machine `smolvm machine ls --json` reports. Without smolvm there are none (a
 * host that only runs docker bottles must still `list` and `cleanup`, and is not made
 * to pay for a spawn that cannot work); an answer that
 * is not the expected JSON is an error, not an empty list.
 */
export async function listMachines(runner: Runner): Promise<MachineRow[]> {
  if (runner.which?.("smolvm") === null) return [];
  let stdout: string;
  try {
    const result = await runner.run(["smolvm", "machine", "ls", "--json"], { check: false });
    if (result.exitCode !== 0) return [];
    stdout = result.stdout;
  } catch (error) {
    if (error instanceof BottleError) return [];
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.trim() === "" ? "[]" : stdout);
  } catch {
    throw new BottleError("`smolvm machine ls --json` did not print JSON", { hint: "check `smolvm --version` (bottle expects 1.9.x)" });
  }
  const rows = v.safeParse(v.array(MachineRowSchema), parsed);
  if (!rows.success) {
    throw new BottleError("`smolvm machine ls --json` printed rows bottle does not understand", { hint: "check `smolvm --version` (bottle expects 1.9.x)" });
  }
  return rows.output.map((row) => ({ name: row.name, state: row.state, labels: row.labels ?? {} }));
}
