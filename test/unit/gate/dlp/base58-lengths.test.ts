import { expect, test } from "bun:test";
import { base58 } from "@scure/base";
import { mayDecodeToAddressOrKey } from "../../../../src/gate/dlp/financial-ids.ts";
import { FakeSource } from "./fake-credentials.ts";

const source = new FakeSource(5858);
const int = (n: number): number => ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n;
const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

test("a candidate turned away never decodes to 25, 37 or 38 bytes (8,000 of every length the scanner matches, any leading 1s)", () => {
  let kept = 0;
  let away = 0;
  for (let round = 0; round < 8000; round++) {
    const length = 26 + int(27);
    const ones = int(4) === 0 ? int(6) : 0;
    // Bytes encoded (so every decoded length near the thresholds comes up) or random digits.
    const text =
      int(2) === 0
        ? base58.encode(Buffer.concat([Buffer.alloc(ones), source.bytes(18 + int(24))]))
        : `${"1".repeat(ones)}${ALPHABET[1 + int(57)]}${source.chars(ALPHABET, Math.max(0, length - ones - 1))}`;
        if (mayDecodeToAddressOrKey(text)) kept++;
    else {
      away++;
      const decoded = base58.decode(text).length;
      expect([text, [25, 37, 38].includes(decoded)]).toEqual([text, false]);
    }
  }
  expect(away).toBeGreaterThan(2000);
  expect(kept).toBeGreaterThan(1000);
});

test("every 25, 37 and 38-byte payload's encoding is kept, with up to five leading zero bytes", () => {
  for (let round = 0; round < 3000; round++) {
    const length = [25, 37, 38][int(3)] as number;
    const zeros = int(6);
    const bytes = Buffer.concat([Buffer.alloc(zeros), source.bytes(length - zeros)]);
    expect(mayDecodeToAddressOrKey(base58.encode(bytes))).toBe(true);
  }
});
