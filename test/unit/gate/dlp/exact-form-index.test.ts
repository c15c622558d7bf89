import { describe, expect, test } from "bun:test";
import { buildExactFormIndex, holdsExactForm } from "../../../../src/gate/dlp/exact-form-index.ts";
import { buildHeldSecretForms } from "../../../../src/gate/dlp/held-secret-forms.ts";
import { FakeSource } from "./fake-credentials.ts";

/** `holdsExactForm` stands in for an `includes` per exact form (the search before
 * it): it must say yes exactly when one of them occurs, whatever the forms and text
 * hold. The skip table is what could go wrong (a shift past an occurrence), so the
 * texts are built from the forms' own blocks, at every offset and near both ends. */

const source = new FakeSource(19);
/** A number in [0, n) from the seeded stream. */
const int = (n: number): number => (n <= 0 ? 0 : ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n);

/** The old answer: an `includes` per form. */
const holdsAny = (forms: readonly string[], text: string): boolean => forms.some((form) => text.includes(form));

const secretSets: Record<string, string[]> = {
  "three secrets like the bench's": [`sk-ant-oat01-${"Q".repeat(10)}${source.token(72)}`, `ghs_${source.token(36)}`, `bottle-deploy-key-${source.token(36)}`],
  "regex syntax, non-ASCII and a line break": ["a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o/p-q", "ünïcødé-sécret-välue", "line\nbreak\tsecret"],
  "the shortest held secrets (8 characters: a window of 8)": ["Zq3-pW9x", "abcdefgh", "aaaaaaaa"],
  "forty secrets (colliding hashes)": Array.from({ length: 40 }, (_, index) => `secret-${index}-${source.token(20 + index)}`),
  "low-entropy secrets (repeated blocks)": ["xyxyxyxyxyxyxyxyxyxy", "0000000000000000000000000001", "ababababcabababab"],
};

describe("exact form index", () => {
  test("no forms: holds nothing", () => {
    const index = buildExactFormIndex([]);
    expect(holdsExactForm("", index)).toBe(false);
    expect(holdsExactForm("anything at all", index)).toBe(false);
    expect(buildHeldSecretForms(["short"]).exactIndex.window).toBe(0);
  });

  for (const [name, secrets] of Object.entries(secretSets)) {
    const forms = buildHeldSecretForms(secrets).exact;
    const index = buildExactFormIndex(forms);
    const pieces = [...forms, "\\", ".*", "|", "%", "=", "\n", "\u0000", "\uffff", "ÿ", ""];
    const noise = (length: number): string => source.chars("ABCabc0123+/=%._-QxyZ", length);

    test(`${name}: each form alone, at both ends of noise, and cut by one character`, () => {
      expect(forms.length).toBeGreaterThan(8);
      for (const form of forms) {
        expect(holdsExactForm(form, index)).toBe(true);
        expect(holdsExactForm(form.slice(1), index)).toBe(holdsAny(forms, form.slice(1)));
        expect(holdsExactForm(form.slice(0, -1), index)).toBe(holdsAny(forms, form.slice(0, -1)));
        for (let pad = 0; pad < 8; pad++) {
          expect(holdsExactForm(`${noise(pad)}${form}`, index)).toBe(true);
          expect(holdsExactForm(`${form}${noise(pad)}`, index)).toBe(true);
          expect(holdsExactForm(`${noise(37 + pad)}${form}${noise(pad)}`, index)).toBe(true);
        }
        const cut = `${form.slice(0, -1)}\u0000${form.slice(-1)}`;
        expect(holdsExactForm(cut, index)).toBe(holdsAny(forms, cut));
      }
    });

    test(`${name}: agrees with an includes per form on 2,000 generated texts (cuts of forms, their blocks, noise)`, () => {
      let holding = 0;
      for (let round = 0; round < 2000; round++) {
        const parts: string[] = [];
        for (let i = int(8); i >= 0; i--) {
          const piece = pieces[int(pieces.length)] as string;
          // A whole form, a cut of one (prefix, suffix, middle), a 3-character block of one, or noise.
          const kind = int(4);
          const from = kind === 0 ? 0 : int(piece.length + 1);
          const to = kind === 0 ? piece.length : kind === 1 ? from + 3 : from + int(piece.length - from + 1);
          parts.push(piece.slice(from, to), int(2) === 0 ? noise(int(4)) : "");
        }
        const text = parts.join("");
        const expected = holdsAny(forms, text);
        if (expected) holding++;
        expect(holdsExactForm(text, index)).toBe(expected);
      }
      expect(holding).toBeGreaterThan(100); // both answers were exercised
    });

    test(`${name}: a form planted at every offset of a text made of the forms' own blocks`, () => {
      const blocks = forms.flatMap((form) => Array.from({ length: form.length - 2 }, (_, at) => form.slice(at, at + 3)));
      const filler = Array.from({ length: 200 }, () => blocks[int(blocks.length)]).join("");
      const form = forms[int(forms.length)] as string;
      for (let at = 0; at <= 120; at++) {
        const text = `${filler.slice(0, at)}${form}${filler.slice(at, at + 60)}`;
        expect(holdsExactForm(text, index)).toBe(true);
        const broken = `${filler.slice(0, at)}${form.slice(0, -1)}${filler.slice(at, at + 60)}`;
        expect(holdsExactForm(broken, index)).toBe(holdsAny(forms, broken));
      }
    });
  }
});
