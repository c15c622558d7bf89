import { readFile } from "node:fs/promises";
import * as v from "valibot";
import { ConfigError, issuesToProblems, locate, parseSource, sortProblems, type Problem } from "../core/config-file.ts";
import { BottleError } from "../core/errors.ts";
import { parseCidr } from "./egress/address.ts";
import { GateConfigSchema, type GateConfig } from "./config-schema.ts";

/**
 * Parses and validates a gate config (YAML, or JSON which is YAML). Every problem is
 * reported at once as `FILE:LINE:COL` in a `ConfigError`.
 */
export function parseGateConfig(file: string, text: string): GateConfig {
  const { source, problems } = parseSource(file, text);
  if (problems.length > 0) throw new ConfigError(problems);
  const result = v.safeParse(GateConfigSchema, source.data ?? {});
  if (!result.success) throw new ConfigError(sortProblems(issuesToProblems(source, result.issues)));
  const cidrProblems: Problem[] = [];
  result.output.egress.allow_cidrs.forEach((cidr, index) => {
    if (parseCidr(cidr) !== undefined) return;
    const { line, col } = locate(source, ["egress", "allow_cidrs", index]);
    cidrProblems.push({ file, line, col, message: `not a CIDR block: ${cidr} (such as 10.0.0.0/8 or fd00::/8)` });
  });
  if (cidrProblems.length > 0) throw new ConfigError(cidrProblems);
  return result.output;
}

/** Reads and validates the gate config at `file`. */
export async function loadGateConfig(file: string): Promise<GateConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new BottleError(`cannot read the gate config ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      cause: error,
      hint: "pass an existing YAML or JSON file with --config",
    });
  }
  return parseGateConfig(file, text);
}
