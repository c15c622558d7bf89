import { describe, expect, test } from "bun:test";
import { createScanner } from "../../../../src/gate/dlp/create-scanner.ts";
import { buildHeldSecretForms } from "../../../../src/gate/dlp/held-secret-forms.ts";
import { FakeSource } from "./fake-credentials.ts";

/** `anyExact` stands in for an `indexOf` per exact form: it must match exactly when
 * one of them occurs, whatever characters the secrets hold (regex syntax included). */

const source = new FakeSource(9);
const secrets = [
  `corp-internal.${source.token(28)}`,
  "a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o/p-q", // every regex metacharacter
  "ünïcødé-sécret-välue", // non-ASCII: its percent and base64 forms differ from its text
  "line\nbreak\tsecret",
];
const forms = buildHeldSecretForms(secrets);
/** A number in [0, n) from the seeded stream. */
const int = (n: number): number => n <= 0 ? 0 : ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n;
const noise = (length: number): string => source.chars("ABCabc0123+/=%._-", length);

/** Whether the alternations match. */
const matchesAny = (text: string): boolean => forms.anyExact?.some((regex) => regex.test(text)) ?? false;

/** The old search: an indexOf per form. */
const holdsAny = (text: string): boolean => forms.exact.some((form) => text.includes(form));

describe("held secret forms: anyExact", () => {
  test("no held secrets long enough: no alternation", () => {
    expect(buildHeldSecretForms(["short"]).anyExact).toEqual([]);
  });

  test("long and many secrets: several alternations, or none for a form too long for one (JSC refuses it), and no throw", () => {
    const many = buildHeldSecretForms(Array.from({ length: 40 }, (_, index) => `secret-${index}-${source.token(60)}`));
    expect(many.anyExact?.length).toBeGreaterThan(1);
    for (const form of many.exact) expect(many.anyExact?.some((regex) => regex.test(`..${form}..`))).toBe(true);
    expect(buildHeldSecretForms([source.token(65_536)]).anyExact).toBeUndefined();
  });

  test("matches each form alone, inside noise, and cut by one character nowhere", () => {
    expect(forms.exact.length).toBeGreaterThan(40);
    for (const form of forms.exact) {
      expect(matchesAny(form)).toBe(true);
      expect(matchesAny(`${noise(37)}${form}${noise(5)}`)).toBe(true);
      const cut = `${form.slice(0, -1)}\u0000${form.slice(-1)}`;
      expect(matchesAny(cut)).toBe(holdsAny(cut));
    }
  });

  test("agrees with an indexOf per form on generated texts (pieces of forms, noise, regex syntax)", () => {
    const pieces = [...forms.exact, "\\", ".*", "|", "[", "(", "%", "=", "\n", ""];
    for (let round = 0; round < 3000; round++) {
      const parts: string[] = [];
      for (let i = int(6); i >= 0; i--) {
        const piece = pieces[int(pieces.length)] as string;
        // A whole form, or a cut of one (prefix, suffix or middle), or noise.
        const from = int(3) === 0 ? 0 : int(piece.length + 1);
        const to = int(3) === 0 ? piece.length : from + int(piece.length - from + 1);
        parts.push(piece.slice(from, to), int(2) === 0 ? noise(int(4)) : "");
      }
      const text = parts.join("");
      expect(matchesAny(text)).toBe(holdsAny(text));
    }
  });

  test("long held secrets: a 3 KiB one (forms over several alternations) is found raw and in base64; a 64 KiB one does not stop the scanner", () => {
    const secret = source.token(3072);
    const scanner = createScanner({ heldSecrets: [secret, source.token(65_536)] });
    expect(scanner.held.anyExact?.length).toBeUndefined(); // the 64 KiB secret's forms: searched one by one
    const alone = createScanner({ heldSecrets: [secret] });
    expect(alone.held.anyExact?.length).toBeGreaterThan(1);
    const body = (text: string): Uint8Array => new TextEncoder().encode(`upload=${text}&done=1`);
    for (const each of [scanner, alone]) {
      expect(each.scanBody(body(secret), "text/plain").map((finding) => finding.kind)).toContain("held-secret");
      expect(each.scanBody(body(Buffer.from(secret).toString("base64")), "text/plain").map((finding) => finding.kind)).toContain("held-secret");
      expect(each.scanBody(body(source.token(3072)), "text/plain").map((finding) => finding.kind)).not.toContain("held-secret");
    }
  });
});
