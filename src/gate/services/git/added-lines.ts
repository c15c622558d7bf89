/** The lines one commit adds to one file (or its message), with their line numbers. */
export interface AddedText {
  commit: string;
  /** The file's path in the commit, or `(commit message)`. */
  file: string;
  lines: { line: number; text: string }[];
}

/** What the gate asks `git log` for, so {@link parseAddedLines} can read it back. */
export const ADDED_LINES_LOG_ARGS = [
  "-c", "core.quotePath=false",
  "log", "-p", "--text", "--no-color", "--no-ext-diff", "--no-textconv",
  // A merge's own changes (a conflict resolution, or content no parent had) are what
  // a remerge diff shows; plain `log -p` shows nothing for merges.
  "--diff-merges=remerge",
  // A rename would show no `+++` line and no content: every file is added in full under its new name.
  "--no-renames",
  "--format=format:%x01%H%n%w(0,4,4)%B",
];

/**
 * The same for merges of three or more parents, against their first parent: a remerge
 * diff skips octopus merges ("Skipping remerge-diff for octopus merges", git 2.39),
 * and a file only such a merge added went upstream unread (a hunt for leaks, this
 * round). What the other parents brought is read again with it: more than the merge's
 * own changes, never less.
 */
export const OCTOPUS_LOG_ARGS = [...ADDED_LINES_LOG_ARGS.map((arg) => (arg === "--diff-merges=remerge" ? "--diff-merges=first-parent" : arg)), "--min-parents=3"];

const HUNK = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Undoes git's C-style quoting of a path (`"a\tb"`), for the names people read. */
function unquotePath(text: string): string {
  if (!text.startsWith('"')) return text;
  try {
    const bytes = JSON.parse(text.replace(/\\([0-7]{3})/g, (_, octal: string) => `\\u00${Number.parseInt(octal, 8).toString(16).padStart(2, "0")}`)) as string;
    return Buffer.from(bytes, "latin1").toString("utf8");
  } catch {
    return text;
  }
}

/**
 * The path of a `diff --git a/P b/P` header (both sides name the same path without
 * renames), quoted or not; undefined when the line is not one.
 */
function headerPath(line: string): string | undefined {
  const rest = line.slice("diff --git ".length);
  const quoted = /^"a\/(.*)" "b\/(.*)"$/.exec(rest);
  if (quoted !== null) return quoted[1] === quoted[2] ? unquotePath(`"${quoted[1]}"`) : undefined;
  const length = (rest.length - 5) / 2;
  if (!Number.isInteger(length) || length < 1) return undefined;
  const [a, b] = [rest.slice(2, 2 + length), rest.slice(5 + length)];
  return rest.startsWith("a/") && rest.slice(2 + length, 5 + length) === " b/" && a === b ? a : undefined;
}

/**
 * Reads `git log` output made with {@link ADDED_LINES_LOG_ARGS}: per commit, the
 * message lines and, per file, the added lines with their new line numbers. Hunks are
 * read by their counts, so a line whose text looks like a header is never mistaken
 * for one. A file the commits add or change is listed even with no added line (an
 * empty file, a mode change): its path is text the agent wrote too.
 */
export function parseAddedLines(log: string): AddedText[] {
  const out: AddedText[] = [];
  let commit = "";
  let current: AddedText | undefined;
  let message: AddedText | undefined;
  let oldLeft = 0;
  let newLeft = 0;
  let next = 0;
  const lines = log.split("\n");
  for (const raw of lines) {
    if (oldLeft > 0 || newLeft > 0) {
      const sign = raw[0];
      if (sign === "\\") continue;
      if (sign === "+") {
        current?.lines.push({ line: next, text: raw.slice(1) });
        next++;
        newLeft--;
      } else if (sign === "-") oldLeft--;
      else {
        next++;
        oldLeft--;
        newLeft--;
      }
      continue;
    }
    if (raw.startsWith("\u0001")) {
      commit = raw.slice(1);
      message = { commit, file: "(commit message)", lines: [] };
      out.push(message);
      current = undefined;
      continue;
    }
    if (message !== undefined && current === undefined && raw.startsWith("    ")) {
      message.lines.push({ line: message.lines.length + 1, text: raw.slice(4) });
      continue;
    }
    if (raw.startsWith("diff --git ") || raw.startsWith("diff --cc ") || raw.startsWith("diff --combined ")) {
      message = undefined;
      const path = raw.startsWith("diff --git ") ? headerPath(raw) : undefined;
      current = path === undefined ? undefined : { commit, file: path, lines: [] };
      if (current !== undefined) out.push(current);
      continue;
    }
    if (raw.startsWith("+++ ")) {
      const path = unquotePath(raw.slice(4));
      if (path === "/dev/null") {
        // A deletion adds nothing: its path is upstream's already.
        if (current !== undefined) out.splice(out.indexOf(current), 1);
        current = undefined;
      } else if (current !== undefined) current.file = path.replace(/^b\//, "");
      else out.push((current = { commit, file: path.replace(/^b\//, ""), lines: [] }));
      continue;
    }
    const hunk = HUNK.exec(raw);
    if (hunk !== null) {
      oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
      next = Number(hunk[2]);
      newLeft = hunk[3] === undefined ? 1 : Number(hunk[3]);
    }
  }
  return out.filter((text) => text.lines.length > 0 || text.file !== "(commit message)");
}
