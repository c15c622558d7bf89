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
  "--format=format:%x01%H%n%w(0,4,4)%B",
];

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
 * Reads `git log` output made with {@link ADDED_LINES_LOG_ARGS}: per commit, the
 * message lines and, per file, the added lines with their new line numbers. Hunks are
 * read by their counts, so a line whose text looks like a header is never mistaken
 * for one.
 */
export function parseAddedLines(log: string): AddedText[] {
  const out: AddedText[] = [];
  let commit = "";
  let current: AddedText | undefined;
  let message: AddedText | undefined;
  let oldLeft = 0;
  let newLeft = 0;
  let next = 0;
  let pendingPath: string | undefined;
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
      current = undefined;
      pendingPath = undefined;
      continue;
    }
    if (raw.startsWith("+++ ")) {
      const path = unquotePath(raw.slice(4));
      pendingPath = path === "/dev/null" ? undefined : path.replace(/^b\//, "");
      current = pendingPath === undefined ? undefined : { commit, file: pendingPath, lines: [] };
      if (current !== undefined) out.push(current);
      continue;
    }
    const hunk = HUNK.exec(raw);
    if (hunk !== null) {
      oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
      next = Number(hunk[2]);
      newLeft = hunk[3] === undefined ? 1 : Number(hunk[3]);
    }
  }
  return out.filter((text) => text.lines.length > 0);
}
