/**
 * Text an agent wrote (a justification, a host, a path, a ref, a note), made safe to
 * show on a person's terminal: control characters (C0 but tab and, where
 * `keepNewlines`, newline; DEL; C1, which covers 8-bit CSI), line and paragraph
 * separators, and invisible format characters (bidi overrides and isolates,
 * zero-width ones, the BOM: Unicode's `Cf`) become visible `\u001b`-style escapes.
 * Without this, `ESC [2J` or cursor moves could redraw the screen a person approves
 * from (hide the host, fake an "approved" line), and a right-to-left override could
 * show a person another order of the text than the one they approve.
 */
export function printable(text: string, options: { keepNewlines?: boolean } = {}): string {
  const pattern = options.keepNewlines === true ? KEEPING_NEWLINES : ESCAPED;
  return text.replace(pattern, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const ESCAPED = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\p{Cf}]/gu;
const KEEPING_NEWLINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\p{Cf}]/gu;
