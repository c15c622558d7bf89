import * as v from "valibot";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from "yaml";
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
  constructor(problems: Problem[], hint?: string) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(
      `${count} in ${problems[0]?.file ?? "config"}:\n${problems.map(formatProblem).join("\n")}`,
      hint === undefined ? {} : { hint },
    );
    this.problems = problems;
  }
}

/** A parsed YAML (or JSON) document that can point at any of its nodes. */
export interface SourceDocument {
  file: string;
  /** The text as read, so positions can be computed and clamped to it. */
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Plain data, as `yaml` converts it; undefined when the text did not parse. */
  data: unknown;
}

/** The path segments valibot and our own checks use. */
export type DataPath = readonly (string | number)[];

/**
 * 1-based line and column of a character offset. Lines split at "\n" (a "\r\n" file
 * reads the same); the offset is clamped into the text so a position always exists.
 */
export function position(text: string, offset: number): { line: number; col: number } {
  const at = Math.max(0, Math.min(offset, text.length));
  const lineStart = text.lastIndexOf("\n", at - 1) + 1;
  let line = 1;
  for (let index = text.indexOf("\n"); index !== -1 && index < at; index = text.indexOf("\n", index + 1)) line++;
  return { line, col: at - lineStart + 1 };
}

// Data keys are strings (`yaml` stringifies `1:` to "1"), so compare key nodes the same
// way. With a duplicate key the last one wins in the data, so it is the one to point at.
function pairFor(map: { items: Pair[] }, key: string | number): Pair | undefined {
  return map.items.findLast((item) => {
    const node = item.key;
    const value = isScalar(node) ? node.value : node;
    return value === key || (value !== null && typeof value !== "object" && String(value) === String(key));
  });
}

/** The node a data path leads to (following aliases), and the key node of its last step. */
function walk(source: SourceDocument, path: DataPath): { node?: unknown; key?: unknown }[] {
  const steps: { node?: unknown; key?: unknown }[] = [{ node: source.doc.contents }];
  let node: unknown = source.doc.contents;
  for (const segment of path) {
    // An alias stands for its anchor's node; descend into that.
    if (isAlias(node)) node = node.resolve(source.doc);
    if (isMap(node)) {
      const pair = pairFor(node, segment);
      if (pair === undefined) break;
      node = pair.value;
      // `key:` with nothing after it has an empty null node at the end of the line.
      const empty = isScalar(node) && node.range !== undefined && node.range !== null && node.range[0] === node.range[1];
      steps.push({ node: empty ? undefined : (node ?? undefined), key: pair.key });
    } else if (isSeq(node) && typeof segment === "number") {
      node = node.items[segment];
      if (node === undefined) break;
      steps.push({ node });
    } else break;
  }
  return steps;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return Array.isArray(range) ? range[0] : undefined;
}

/**
 * Where a path points: the value node, or the key itself when `at` is "key" (an unknown
 * key, a duplicate). Falls back to the nearest ancestor that exists, then to 1:1.
 */
export function locate(source: SourceDocument, path: DataPath, at: "key" | "value" = "value") {
  const steps = walk(source, path);
  const found = steps.length === path.length + 1;
  for (let depth = steps.length - 1; depth >= 0; depth--) {
    const step = steps[depth]!;
    // A key with no value (`image:`) has no value node: point at the key instead.
    const wantKey = (found && depth === path.length && at === "key") || step.node === undefined;
    const offset = rangeStart(wantKey ? step.key : step.node) ?? rangeStart(step.key);
    if (offset !== undefined) return position(source.text, offset);
  }
  return { line: 1, col: 1 };
}

/**
 * Where the `open` that `close` never closed starts, reading back from `offset`
 * (where `yaml` 2.x reports it: the end of the file, a line past the last one when the
 * file ends in a line break); -1 when none is open. Quoted text is skipped roughly
 * (a quote pair on one line).
 */
function unclosedOpening(text: string, offset: number, open: string, close: string): number {
  let depth = 0;
  for (let at = Math.min(offset, text.length) - 1; at >= 0; at--) {
    const char = text[at];
    if (char === close) depth++;
    else if (char === open) {
      if (depth === 0 && !insideQuotes(text, at)) return at;
      depth = Math.max(0, depth - 1);
    }
  }
  return -1;
}

/** Whether `text[at]` lies between two quotes of its line (a rough test). */
function insideQuotes(text: string, at: number): boolean {
  const lineStart = text.lastIndexOf("\n", at) + 1;
  const before = text.slice(lineStart, at);
  return (before.split('"').length - 1) % 2 === 1 || (before.split("'").length - 1) % 2 === 1;
}

/** `offset`, or where the text's last character ends when `offset` lies past it (a
 * position after the last line is no place a person can look at). */
function withinText(text: string, offset: number): number {
  const last = text.trimEnd().length;
  return offset > last ? Math.max(0, last - 1) : offset;
}

// `yaml` reports a duplicate at the repeated key; name it, as it is written.
function duplicateKeyMessage(text: string, offset: number): string {
  const key = /^(?:"[^"\n]*"|'[^'\n]*'|[^:\n]*?)(?=\s*:)/.exec(text.slice(offset, offset + 200))?.[0].trim();
  return key ? `duplicate key ${/^["']/.test(key) ? key : JSON.stringify(key)}` : "duplicate key";
}

/**
 * Parses YAML text (JSON is YAML) keeping positions. Syntax errors and duplicate keys
 * come back as problems, not exceptions. With only duplicate keys the data is still
 * converted (the last value wins) so the schema can report everything else at once.
 */
export function parseSource(file: string, text: string): { source: SourceDocument; problems: Problem[] } {
  const lineCounter = new LineCounter();
  // logLevel "error": `yaml` would print warnings to the console; they become problems instead.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true, logLevel: "error" });
  const source: SourceDocument = { file, text, doc, lineCounter, data: undefined };
  // Warnings (an unresolved `!tag`) are problems too: the file does not mean what it says.
  const problems: Problem[] = [...doc.errors, ...doc.warnings].map((error) => {
    const message =
      error.code === "DUPLICATE_KEY"
        ? duplicateKeyMessage(text, error.pos[0])
        : error.code === "MULTIPLE_DOCS"
          ? // `yaml` 2.x words this for programmers ("please use YAML.parseAllDocuments()").
            "a second YAML document starts here: this file must hold exactly one"
          : error.message.split("\n")[0]!;
    const unclosed = /end with an? ([\]}])/.exec(message)?.[1];
    const opening = unclosed === undefined ? -1 : unclosedOpening(text, error.pos[0], unclosed === "]" ? "[" : "{", unclosed);
    if (opening !== -1) return { file, ...position(text, opening), message: `\`${text[opening]}\` is never closed: a flow ${unclosed === "]" ? "sequence" : "mapping"} ends with \`${unclosed}\`, on its line or indented under its key` };
    return { file, ...position(text, withinText(text, error.pos[0])), message };
  });
  if (doc.errors.every((error) => error.code === "DUPLICATE_KEY")) {
    try {
      // A small alias budget stops "billion laughs" documents from exhausting memory.
      source.data = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      problems.push({ file, line: 1, col: 1, message: (error as Error).message.split("\n")[0]! });
    }
  }
  return { source, problems };
}

/** valibot's issue path as plain segments. */
export function issuePath(issue: v.BaseIssue<unknown>): (string | number)[] {
  return (issue.path ?? []).map((item) => item.key as string | number);
}

/** True when valibot reports a key that the object does not allow. */
export function isUnknownKeyIssue(issue: v.BaseIssue<unknown>): boolean {
  return issue.type === "strict_object" && issue.expected === "never";
}

/** True when the issue is about a key itself (unknown key, invalid record key), not its value. */
function pointsAtKey(issue: v.BaseIssue<unknown>): boolean {
  const last = issue.path?.at(-1) as { origin?: string } | undefined;
  return isUnknownKeyIssue(issue) || last?.origin === "key";
}

/** Maps valibot issues to problems; `describe` may rewrite a message (did-you-mean…). */
export function issuesToProblems(
  source: SourceDocument,
  issues: readonly v.BaseIssue<unknown>[],
  describe: (issue: v.BaseIssue<unknown>, path: DataPath) => string = (issue) => issue.message,
): Problem[] {
  return issues.map((issue) => {
    const path = issuePath(issue);
    const { line, col } = locate(source, path, pointsAtKey(issue) ? "key" : "value");
    return { file: source.file, line, col, message: describe(issue, path) };
  });
}

/** Sorts problems by position so output reads top to bottom, dropping exact repeats. */
export function sortProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems
    .toSorted((a, b) => a.line - b.line || a.col - b.col || a.message.localeCompare(b.message))
    .filter((problem) => {
      const key = formatProblem(problem);
      return seen.has(key) ? false : (seen.add(key), true);
    });
}
