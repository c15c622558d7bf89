import type { Scanner } from "../../dlp/create-scanner.ts";
import type { AddedText } from "./added-lines.ts";

/** A DLP hit in a push: where (never what) and the kind of secret. */
export interface PushFinding {
  commit: string;
  file: string;
  /** The line, or undefined when only lines taken together hold the secret. */
  line: number | undefined;
  kind: string;
}

/** Text is scanned in pieces of this much, under the scanner's 1 MiB pattern limit. */
const PIECE_BYTES = 256 * 1024;
const encoder = new TextEncoder();

/**
 * Runs each file's added lines through the gate's DLP scanner: a piece of lines at
 * once (cheap when clean), then line by line where the piece had a hit, so the hit
 * names `file:line`. A secret only visible across lines names the file alone. The
 * finding never carries the text.
 */
export function scanAddedLines(texts: readonly AddedText[], scanner: Scanner): PushFinding[] {
  const found = new Map<string, PushFinding>();
  const add = (finding: PushFinding) => found.set(`${finding.commit}\0${finding.file}\0${finding.line}\0${finding.kind}`, finding);
  const scan = (text: string) => scanner.scanBody(encoder.encode(text), "text/plain").map((finding) => finding.kind);
  for (const text of texts) {
    // A path holding a secret is shown redacted: the finding names where, never what.
    const pathKinds = scan(text.file);
    const file = pathKinds.length > 0 ? scanner.redact(text.file) : text.file;
    for (const kind of pathKinds) add({ commit: text.commit, file, line: undefined, kind: `${kind} (in the path)` });
    let start = 0;
    while (start < text.lines.length) {
      let end = start;
      let size = 0;
      while (end < text.lines.length && (end === start || size + text.lines[end]!.text.length < PIECE_BYTES)) size += text.lines[end++]!.text.length + 1;
      const piece = text.lines.slice(start, end);
      const pieceKinds = new Set(scan(piece.map((line) => line.text).join("\n")));
      const located = new Set<string>();
      if (pieceKinds.size > 0) {
        for (const { line, text: content } of piece) {
          for (const kind of scan(content)) {
            located.add(kind);
            add({ commit: text.commit, file, line, kind });
          }
        }
      }
      for (const kind of pieceKinds) if (!located.has(kind)) add({ commit: text.commit, file, line: undefined, kind });
      start = end;
    }
  }
  return [...found.values()];
}

/** A finding as the agent reads it: `src/x.ts:12: aws-access-key (commit 1a2b3c4)`. */
export function describeFinding(finding: PushFinding): string {
  const where = finding.line === undefined ? finding.file : `${finding.file}:${finding.line}`;
  return `${where}: ${finding.kind} (commit ${finding.commit.slice(0, 12)})`;
}
