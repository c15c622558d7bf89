import { describe, expect, test } from "bun:test";
import { quotedPrintableView } from "../../../../src/gate/dlp/escape-views.ts";
import { percentDecodeOnce, percentDecodeView } from "../../../../src/gate/dlp/percent-decode.ts";
import { identityView, originalSpan } from "../../../../src/gate/dlp/text-view.ts";
import { FakeSource } from "./fake-credentials.ts";

/** Views record their escapes in reused typed arrays that grow (4,096 escapes at
 * first, twice as many each time): the text, the map back to the original and the
 * changes must be the same at every size, checked against a per-character model. */

const source = new FakeSource(23);
const int = (n: number): number => (n <= 0 ? 0 : ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n);

/** Percent-decoding by hand: the view's text, per view character the original index
 * it came from, and where in the view each escape was decoded. */
function percentModel(text: string): { text: string; from: number[]; changes: number[] } {
  let out = "";
  const from: number[] = [];
  const changes: number[] = [];
  for (let i = 0; i < text.length; ) {
    if (text[i] === "%" && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      changes.push(out.length);
      out += String.fromCharCode(Number.parseInt(text.slice(i + 1, i + 3), 16));
      from.push(i);
      i += 3;
    } else {
      out += text[i];
      from.push(i);
      i++;
    }
  }
  return { text: out, from, changes };
}

const pieces = ["%25", "%41", "%zz", "%", "a", "Zq", "%4", "%%41", "\u00ff"];
const generated = (escapes: number): string => Array.from({ length: escapes }, () => pieces[int(pieces.length)]).join("");

describe("decoded views at every size", () => {
  for (const size of [0, 10, 4095, 4096, 4097, 9000, 20_000]) {
    test(`percent view of ~${size} pieces: the text, every character's origin and the changes match the model`, () => {
      const text = generated(size);
      const view = percentDecodeView(identityView(text), false);
      const model = percentModel(text);
      expect(view.text).toBe(model.text);
      expect(view.text).toBe(percentDecodeOnce(text, false));
      for (let index = 0; index < view.text.length; index++) {
        expect(originalSpan(view, index, index + 1)[0]).toBe(model.from[index] as number);
      }
      expect(Array.from(view.changes ?? [])).toEqual(model.changes);
      expect(view.edits?.length).toBe(model.changes.length * 4);
    });
  }

  test("a secret after 10,000 escapes maps back to its own span", () => {
    const secret = "ghp_Zq9Lm2Xv4F0aB7cD8eF1gH2iJ3kL4mN5oP6q";
    const text = `${"%25".repeat(10_000)}x${secret}y${"%41".repeat(5000)}`;
    const view = percentDecodeView(identityView(text), false);
    const at = view.text.indexOf(secret);
    expect(originalSpan(view, at, at + secret.length)).toEqual([30_001, 30_001 + secret.length]);
  });

  test("quoted-printable: quiet escapes are decoded but are not changes, at every size", () => {
    for (const count of [3, 5000, 9000]) {
      const text = Array.from({ length: count }, (_, i) => `k=4${i % 10}`).join("&");
      const quiet = new Set<number>();
      for (let at = text.indexOf("="); at !== -1; at = text.indexOf("=", at + 1)) if (quiet.size < count / 2) quiet.add(at);
      const view = quotedPrintableView(identityView(text), quiet);
      expect(view.text).toBe(text.replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))));
      expect(view.edits?.length).toBe(count * 4);
      expect(view.changes?.length).toBe(count - quiet.size);
      // The changes are the loud escapes' places in the view, in order.
      const loud: number[] = [];
      let shift = 0;
      for (let at = text.indexOf("="); at !== -1; at = text.indexOf("=", at + 1)) {
        if (!quiet.has(at)) loud.push(at - shift);
        shift += 2;
      }
      expect(Array.from(view.changes ?? [])).toEqual(loud);
    }
  });
});
