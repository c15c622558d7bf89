/**
 * A decoded form of a scanned text (percent-decoded, JSON-unescaped, quoted-printable
 * decoded, line-joined…) that remembers where each of its characters came from, so a
 * secret found in the decoded form is redacted at the right place of the original.
 * This is what makes redaction derive from the scanner's own findings: every hit, in
 * whatever view, maps back to a span of the text the gate logs.
 */
export type TextView = {
  text: string;
  /** `starts[i]` is the index in the original text where view character `i` begins;
   * `starts[text.length]` is where the last one ends. Undefined for the original. */
  starts: Int32Array | undefined;
  /** Where in the view the decoding changed something (a replacement's position),
   * so a scan can look only around those places; undefined for the original. */
  changes?: number[];
};

/** The original text as a view of itself. */
export function identityView(text: string): TextView {
  return { text, starts: undefined };
}

/** The span `[start, end)` of `view` as a span of the original text. */
export function originalSpan(view: TextView, start: number, end: number): [number, number] {
  if (view.starts === undefined) return [start, end];
  const last = view.starts[view.text.length] ?? 0;
  return [view.starts[start] ?? last, view.starts[end] ?? last];
}

/** What a decoder writes a shrinking view with: unchanged stretches and replacements. */
export type ViewWriter = {
  /** Copies base characters `[from, to)` unchanged. */
  copy(from: number, to: number): void;
  /** Writes `piece` (at most `to - from` characters) in place of base `[from, to)`. */
  put(piece: string, from: number, to: number): void;
};

/**
 * Builds a view by rewriting `base` with `decode`, which must write every base
 * character in order, each once, and never more characters than it consumes (every
 * decoding the scanner uses shrinks text). The result's starts point into the
 * original text, composed through `base`. Linear, with one allocation per view.
 */
export function deriveView(base: TextView, decode: (text: string, out: ViewWriter) => void): TextView {
  const source = base.text;
  const starts = new Int32Array(source.length + 1);
  const pieces: string[] = [];
  const changes: number[] = [];
  let length = 0;
  let last = 0;
  decode(source, {
    copy(from, to) {
      if (to <= from) return;
      pieces.push(source.slice(from, to));
      for (let i = from; i < to; i++) starts[length++] = i;
      last = to;
    },
    put(piece, from, to) {
      changes.push(length);
      pieces.push(piece);
      for (let i = 0; i < piece.length; i++) starts[length++] = Math.min(from + i, to - 1);
      last = to;
    },
  });
  starts[length] = last;
  const mapped = starts.subarray(0, length + 1);
  if (base.starts !== undefined) for (let i = 0; i <= length; i++) mapped[i] = base.starts[mapped[i] ?? 0] ?? 0;
  return { text: pieces.join(""), starts: mapped, changes };
}

/**
 * A view of `base` with every match of the global `pattern` replaced by
 * `replace(match)` (which must not be longer than the match), the rest copied.
 */
export function replaceView(base: TextView, pattern: RegExp, replace: (match: RegExpExecArray) => string): TextView {
  return deriveView(base, (text, out) => {
    let at = 0;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      if (match[0].length === 0) {
        pattern.lastIndex++;
        continue;
      }
      out.copy(at, match.index);
      const end = match.index + match[0].length;
      out.put(replace(match), match.index, end);
      at = end;
    }
    out.copy(at, text.length);
  });
}
