import type { Scanner, ScanReport } from "../../dlp/create-scanner.ts";
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
/** By default, a line longer than a piece is read in pieces overlapping by this much
 * (longer than any form the scanner finds within a slice, as its slices overlap). */
const LINE_OVERLAP = 4 * 1024;
const encoder = new TextEncoder();

/** What a push's scan found, and where it could not finish (`file`, and why). */
export interface PushScan {
  findings: PushFinding[];
  incomplete: { commit: string; file: string; why: string }[];
}

/** `lines` with any line longer than a piece cut into overlapping pieces of it (same line number). */
function bounded(lines: AddedText["lines"]): AddedText["lines"] {
  if (lines.every((line) => line.text.length <= PIECE_BYTES)) return lines;
  return lines.flatMap((line) => {
    if (line.text.length <= PIECE_BYTES) return [line];
    const pieces: AddedText["lines"] = [];
    for (let at = 0; at < line.text.length; at += PIECE_BYTES - LINE_OVERLAP) pieces.push({ line: line.line, text: line.text.slice(at, at + PIECE_BYTES) });
    return pieces;
  });
}

/** Text shorter than this is scanned at once; longer text goes through the gate-wide scan scheduler. */
const SLICED_FROM = 16 * 1024;
/** At most this much scanning at once before the event loop is given back. */
const TURN_MS = 2;

/**
 * Runs each file's added lines through the gate's DLP scanner: a piece of lines at
 * once (cheap when clean), then line by line where the piece had a hit, so the hit
 * names `file:line`. A secret only visible across lines names the file alone. The
 * finding never carries the text. A line longer than a piece (a minified bundle) is
 * read in overlapping pieces: one 9 MiB line was one scan, past its 8 MiB text limit
 * and its time budget, and what it stopped short of was treated as clean (a review of
 * this round). Where a scan still stops short, `incomplete` says so, for the caller
 * to refuse under `dlp: block`.
 *
 * The bottle's other traffic goes on meanwhile: pieces are scanned through the
 * gate-wide scheduler and short texts at most {@link TURN_MS} at a time. Scanned at
 * once, the 30 MiB of changes a push may print held every other request of the bottle
 * for ~1.3 s.
 */
export async function scanAddedLines(texts: readonly AddedText[], scanner: Scanner): Promise<PushScan> {
  const found = new Map<string, PushFinding>();
  const incomplete: PushScan["incomplete"] = [];
  const add = (finding: PushFinding) => found.set(`${finding.commit}\0${finding.file}\0${finding.line}\0${finding.kind}`, finding);
  let where = { commit: "", file: "" };
  let turnStart = performance.now();
  const scan = async (text: string) => {
    const body = encoder.encode(text);
    let report: ScanReport;
    if (body.byteLength >= SLICED_FROM) {
      report = await scanner.scanRequest({ body, contentType: "text/plain" });
      turnStart = performance.now();
    } else {
      if (performance.now() - turnStart >= TURN_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        turnStart = performance.now();
      }
      report = scanner.scanBodyReport(body, "text/plain");
    }
    if (report.incomplete.length > 0) incomplete.push({ ...where, why: report.incomplete.join(", ") });
    return report.findings.map((finding) => finding.kind);
  };
  for (const text of texts) {
    where = { commit: text.commit, file: text.file };
    // A path holding a secret is shown redacted: the finding names where, never what.
    const pathKinds = await scan(text.file);
    const file = pathKinds.length > 0 ? scanner.redact(text.file) : text.file;
    where = { commit: text.commit, file };
    for (const kind of pathKinds) add({ commit: text.commit, file, line: undefined, kind: `${kind} (in the path)` });
    const lines = bounded(text.lines);
    let start = 0;
    while (start < lines.length) {
      let end = start;
      let size = 0;
      while (end < lines.length && (end === start || size + lines[end]!.text.length < PIECE_BYTES)) size += lines[end++]!.text.length + 1;
      const piece = lines.slice(start, end);
      const pieceKinds = new Set(await scan(piece.map((line) => line.text).join("\n")));
      const located = new Set<string>();
      if (pieceKinds.size > 0) {
        for (const { line, text: content } of piece) {
          for (const kind of await scan(content)) {
            located.add(kind);
            add({ commit: text.commit, file, line, kind });
          }
        }
      }
      for (const kind of pieceKinds) if (!located.has(kind)) add({ commit: text.commit, file, line: undefined, kind });
      start = end;
    }
  }
  return { findings: [...found.values()], incomplete };
}

/** A finding as the agent reads it: `src/x.ts:12: aws-access-key (commit 1a2b3c4)`. */
export function describeFinding(finding: PushFinding): string {
  const where = finding.line === undefined ? finding.file : `${finding.file}:${finding.line}`;
  return `${where}: ${finding.kind} (commit ${finding.commit.slice(0, 12)})`;
}
