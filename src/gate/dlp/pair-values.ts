/** The values of `name=value` pairs joined into one text, and where each sits. */
export type JoinedValues = {
  text: string;
  /** Per piece: where its value starts in `text` and in the source, and its length. */
  values: [joined: number, source: number, length: number][];
  /** Pieces holding a `=`, out of all the pieces. */
  pairs: number;
  pieces: number;
};

/**
 * Splits `source` into pieces at `separator` (one character wide) and joins each piece's value (after its
 * first `=`; a piece with none counts whole): a key cut over parameters or form fields
 * (`a=AKIA…&b=…`) has the names in between, and the values alone are the key again.
 * One reading for a query and a form body alike.
 */
export function joinedValues(source: string, separator: RegExp): JoinedValues {
  const values: JoinedValues["values"] = [];
  const parts: string[] = [];
  let joinedAt = 0;
  let sourceAt = 0;
  let pairs = 0;
  const pieces = source.split(separator);
  for (const piece of pieces) {
    const eq = piece.indexOf("=") + 1;
    if (eq > 0) pairs++;
    values.push([joinedAt, sourceAt + eq, piece.length - eq]);
    parts.push(piece.slice(eq));
    joinedAt += piece.length - eq;
    sourceAt += piece.length + 1;
  }
  return { text: parts.join(""), values, pairs, pieces: pieces.length };
}
