import { expect, test } from "bun:test";
import { csvLayout, csvRowHits, isNonTrivialSecret, type KeyValueHit } from "../../../../src/gate/dlp/key-value-secrets.ts";
import { FakeSource } from "./fake-credentials.ts";

/** The rows' reading it replaced: a slice, a trailing `\r` removed and a split per row. */
function splitRows(text: string, layout: NonNullable<ReturnType<typeof csvLayout>>): KeyValueHit[] {
  const hits: KeyValueHit[] = [];
  let lineStart = layout.rowsFrom;
  while (lineStart < text.length) {
    const found = text.indexOf("\n", lineStart);
    const lineEnd = found === -1 ? text.length : found;
    const cells = text.slice(lineStart, lineEnd).replace(/\r$/, "").split(layout.delimiter);
    // One finding per row (its first secret cell).
    if (layout.secretColumns.some((index) => isNonTrivialSecret((cells[index] ?? "").trim().replace(/^["']|["']$/g, "")))) hits.push({ kind: "key-value-secret", start: lineStart, end: lineEnd });
    lineStart = lineEnd + 1;
  }
  return hits;
}

const source = new FakeSource(1410);
const int = (n: number): number => ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n;

test("rows read in place give the split's hits, on 3,000 generated CSV texts (delimiters, quotes, \\r, short and missing cells)", () => {
  let hits = 0;
  for (let round = 0; round < 3000; round++) {
    const delimiter = [",", ";", "\t", "|"][int(4)] as string;
    const header = ["name", "password", "api_key", "note", "token"].slice(0, 2 + int(4)).sort(() => int(3) - 1).join(delimiter);
    const cell = (): string => {
      const pick = int(6);
      if (pick === 0) return "";
      if (pick === 1) return `"${source.token(8 + int(20))}"`;
      if (pick === 2) return ` ${source.token(6 + int(6))} `;
      if (pick === 3) return source.chars("abc", int(12));
      return source.token(7 + int(4));
    };
    const rows = Array.from({ length: 1 + int(30) }, () => Array.from({ length: int(7) }, cell).join(delimiter) + (int(4) === 0 ? "\r" : ""));
    const text = `${header}\n${rows.join("\n")}`;
    const layout = csvLayout(text);
    if (layout === undefined) continue;
    const expected = splitRows(text, layout);
    hits += expected.length;
    const actual: KeyValueHit[] = [];
    csvRowHits(text, layout, 0, text.length, actual);
    expect([text, actual]).toEqual([text, expected]);
  }
  expect(hits).toBeGreaterThan(2000);
});

test("rows are read from a step's first whole row: one started before it is not read again", () => {
  const text = "password,x\nVq7xR2mK9pL4wN8z,1\nZp4sT8nQ2vL6yB9w,2\n";
  const layout = csvLayout(text);
  if (layout === undefined) throw new Error("no layout");
  const second = text.indexOf("Zp4s");
  const fromMiddle: KeyValueHit[] = [];
  // From inside the first row: its rest (`mK9pL4wN8z,1`) would read as a row of its own.
  expect(csvRowHits(text, layout, second - 13, text.length, fromMiddle)).toBe(text.length);
  expect(fromMiddle.map((hit) => hit.start)).toEqual([second]);
});
