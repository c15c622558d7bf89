import * as v from "valibot";
import { isUnknownKeyIssue, issuePath, issuesToProblems, locate, parseSource, sortProblems, type DataPath, type Problem } from "../core/config-file.ts";
import { describeIssue, unknownKeyMessage } from "../core/describe-issue.ts";
import { expandUnions } from "../core/expand-unions.ts";
import { strictShape } from "../core/strict-shape.ts";
import { checkManifest } from "./check-manifest.ts";
import { defaultBottle } from "./default-manifest.ts";
import { envScalarsAsText } from "./env-scalars-as-text.ts";
import { ManifestSchema, type Manifest } from "./schema.ts";

const describe = describeIssue(ManifestSchema);

function describeVersion(value: unknown): string {
  if (value === undefined) return 'missing key "version": this bottle reads version 1';
  const shown = typeof value === "string" ? JSON.stringify(value) : value === null ? "(empty)" : String(value);
  return `unsupported version ${shown}: this bottle reads version 1`;
}

/**
 * Parses and validates manifest text. Pure: never throws, never reads files. Returns
 * every problem at once, sorted by position, each pointing at the offending key or
 * value; `manifest` is set only when there are none. An agent naming `default` with no
 * `bottles.default` gets the built-in default bottle.
 */
export function parseManifest(file: string, text: string): { manifest?: Manifest; problems: Problem[] } {
  const { source, problems } = parseSource(file, text);
  if (problems.length > 0 && source.data === undefined) return { problems: sortProblems(problems) };
  const data = source.data;
  if (data === null || data === undefined) {
    return { problems: [{ file, line: 1, col: 1, message: "empty manifest: expected `version: 1` and `agents`" }] };
  }
  if (typeof data !== "object" || Array.isArray(data)) {
    const position = { file, ...locate(source, []) };
    const top = Array.isArray(data) ? "a list" : `${typeof data} ${JSON.stringify(data)}`;
    return { problems: [{ ...position, message: `the top level must be a mapping with \`version: 1\` and \`agents\`, got ${top}` }] };
  }
  envScalarsAsText(source.doc, data);
  const result = v.safeParse(ManifestSchema, data);
  const shape = strictShape(ManifestSchema, data);
  // A list where a mapping belongs: valibot reads its indexes as keys, so its issues
  // below that point are noise; one clear problem replaces them.
  const underList = (path: DataPath) =>
    shape.listsForMappings.some((list) => list.length <= path.length && list.every((key, at) => String(path[at]) === String(key)));
  if (!result.success) {
    // Unknown keys come from the shape walk, which finds all of them, not valibot's first.
    const issues = expandUnions(result.issues).filter((issue) => !isUnknownKeyIssue(issue) && !underList(issuePath(issue)));
    problems.push(
      ...issuesToProblems(source, issues, (issue, path) =>
        path.length === 1 && path[0] === "version" ? describeVersion((data as { version?: unknown }).version) : describe(issue, path),
      ),
    );
  }
  for (const path of shape.listsForMappings) {
    problems.push({ file, ...locate(source, path), message: "expected a mapping, got a list" });
  }
  for (const path of shape.unknownKeys) {
    problems.push({ file, ...locate(source, path, "key"), message: unknownKeyMessage(ManifestSchema, path) });
  }
  problems.push(...checkManifest(source));
  if (!result.success && problems.length === 0) {
    // A safety net: should the filters above ever drop every issue, report valibot's own.
    problems.push(...issuesToProblems(source, result.issues, describe));
  }
  if (problems.length > 0 || !result.success) return { problems: sortProblems(problems) };
  const manifest = result.output;
  manifest.bottles.default ??= defaultBottle();
  return { manifest, problems: [] };
}
