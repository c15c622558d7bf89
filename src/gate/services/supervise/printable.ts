/**
 * Text an agent wrote, made safe to show on a person's terminal: control characters
 * (C0 but tab and, where `keepNewlines`, newline; DEL; C1, which covers 8-bit CSI)
 * become visible `\u001b`-style escapes. Without this, a justification carrying
 * `ESC [2J` or cursor moves could redraw the screen a person approves from — hide
 * the host, or fake an "approved" line.
 */
export function printable(text: string, options: { keepNewlines?: boolean } = {}): string {
  const pattern = options.keepNewlines ? /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g : /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;
  return text.replace(pattern, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
