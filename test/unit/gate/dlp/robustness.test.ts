import { expect, test } from "bun:test";
import { createScanner } from "../../../../src/gate/dlp/create-scanner.ts";
import { FakeSource } from "./fake-credentials.ts";

/** The scanner sees hostile input: it must never throw, whatever it is given. */

const source = new FakeSource(2024);
const scanner = createScanner({ heldSecrets: ["", "x", `held-${source.token(20)}`] });

test("random and malformed input never throws", () => {
  const alphabet = "%%%==//++--__..::&?#@[]AZaz09\u0000\u00ff\u2603\ud800 \n";
  for (let i = 0; i < 300; i++) {
    const text = source.chars(alphabet, 1 + (i % 200));
    const bytes = source.bytes(i * 7);
    expect(() => {
      scanner.scanUrl(text);
      scanner.scanUrl(`http://${text}`);
      scanner.scanHeaders([[text, text]]);
      scanner.scanBody(bytes, i % 2 === 0 ? "application/json" : undefined);
      scanner.scanBody(new TextEncoder().encode(`{"a":"\\u${text}"}`), "application/json");
      scanner.scanHostname(text);
      scanner.redact(text);
    }).not.toThrow();
  }
});

test("an empty body, URL and hostname have no findings", () => {
  expect(scanner.scanBody(new Uint8Array(0), undefined)).toEqual([]);
  expect(scanner.scanUrl("")).toEqual([]);
  expect(scanner.scanHostname("")).toEqual([]);
});

test("a subarray body is scanned within its own bounds only", () => {
  const held = "bottle-held-value-0001";
  const withHeld = createScanner({ heldSecrets: [held] });
  const whole = new TextEncoder().encode(`${held} | clean part`);
  expect(withHeld.scanBody(whole.subarray(held.length), "text/plain")).toEqual([]);
  expect(withHeld.scanBody(whole.subarray(0, held.length), "text/plain")).toEqual([{ kind: "held-secret", where: "body" }]);
});
