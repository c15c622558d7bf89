import * as v from "valibot";
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { BottleError } from "./errors.ts";

/** One thing wrong with a config file, pointing at the offending key or value. */
export interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** Renders a problem the way editors and terminals link it: `FILE:LINE:COL: message`. */
export function formatProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}:${problem.col}: ${problem.message}`;
}

/** Every problem in a config file at once; the message lists them all. */
export class ConfigError extends BottleError {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`${count} in ${problems[0]?.file ?? "config"}:\n${problems.map(formatProblem).join("\n")}`);
    this.problems = problems;
  }
}

/** A parsed YAML (or JSON) document that can point at any of its nodes. */
export interface SourceDocument {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Plain data, as `yaml` converts it. */
  data: unknown;
}

/** The path segments valibot and our own checks use. */
export type DataPath = readonly (string | number)[];

/**
 * Where a path points: the value node, or the key itself when `at` is "key" (an unknown
 * key, a duplicate). Falls back to the nearest ancestor that exists, then to 1:1.
 */
export function locate(source: SourceDocument, path: DataPath, at: "key" | "value" = "value") {
  const position = (offset: number) => {
    const { line, col } = source.lineCounter.linePos(offset);
    return { line, col };
  };
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    if (at === "key" && depth === path.length && depth > 0) {
      const parent = prefix.length === 1 ? source.doc.contents : source.doc.getIn(prefix.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === prefix.at(-1));
        const range = (pair?.key as Node | undefined)?.range;
        if (range) return position(range[0]);
      }
      continue;
    }
    const node = prefix.length === 0 ? source.doc.contents : (source.doc.getIn(prefix, true) as Node | undefined);
    if (node && typeof node === "object" && "range" in node && node.range) return position(node.range[0]);
  }
  return { line: 1, col: 1 };
}

/**
 * Parses YAML text (JSON is YAML) keeping positions. Syntax errors and duplicate keys
 * come back as problems, not exceptions.
 */
export function parseSource(file: string, text: string): { source: SourceDocument; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const problems: Problem[] = doc.errors.map((error) => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const message = error.code === "DUPLICATE_KEY" ? "duplicate key" : error.message.split("\n")[0]!;
    return { file, line, col, message };
  });
  const data = problems.length === 0 ? doc.toJS({ maxAliasCount: 100 }) : undefined;
  return { source: { file, doc, lineCounter, data }, problems };
}

/** valibot's issue path as plain segments. */
export function issuePath(issue: v.BaseIssue<unknown>): (string | number)[] {
  return (issue.path ?? []).map((item) => item.key as string | number);
}

/** Maps valibot issues to problems; `describe` may rewrite a message (did-you-mean…). */
export function issuesToProblems(
  source: SourceDocument,
  issues: readonly v.BaseIssue<unknown>[],
  describe: (issue: v.BaseIssue<unknown>, path: DataPath) => string = (issue) => issue.message,
): Problem[] {
  return issues.map((issue) => {
    const path = issuePath(issue);
    const unknownKey = issue.type === "strict_object" && issue.expected === "never";
    const { line, col } = locate(source, path, unknownKey ? "key" : "value");
    return { file: source.file, line, col, message: describe(issue, path) };
  });
}

/** Sorts problems by position so output reads top to bottom. */
export function sortProblems(problems: Problem[]): Problem[] {
  return problems.toSorted((a, b) => a.line - b.line || a.col - b.col);
}
