import { expect, test } from "bun:test";
import { bech32, bech32m } from "@scure/base";
import { bech32Valid } from "../../../../src/gate/dlp/financial-ids.ts";
import { FakeSource } from "./fake-credentials.ts";

/** The check it replaced: `@scure/base`'s decoders, either variant, prefix `bc`. */
function decoderSays(text: string): boolean {
  for (const codec of [bech32, bech32m]) {
    try {
      if (codec.decode(text.toLowerCase() as `${string}1${string}`, 90).prefix === "bc") return true;
    } catch {
      // not this variant
    }
  }
  return false;
}

const source = new FakeSource(1730);
const int = (n: number): number => ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n;
const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
/** Each character in either case at random (the scanner's match allows it; both lowercase it). */
const anyCase = (text: string): string => [...text].map((char) => (int(3) === 0 ? char.toUpperCase() : char)).join("");

test("the checksum by hand gives the decoders' answer on 6,000 candidates: valid in both variants, one character off, random", () => {
  let valid = 0;
  for (let round = 0; round < 6000; round++) {
    const words = Array.from({ length: 2 + int(64) }, () => int(32));
    const encoded = (int(2) === 0 ? bech32 : bech32m).encode("bc", words, 90);
    const pick = int(4);
    let candidate: string = encoded;
    if (pick === 1) {
      const at = 3 + int(encoded.length - 3);
      candidate = `${encoded.slice(0, at)}${CHARSET[int(32)]}${encoded.slice(at + 1)}`;
    } else if (pick === 2) candidate = `bc1${source.chars(CHARSET, 8 + int(80))}`;
    else if (pick === 3) candidate = anyCase(encoded);
    if (!/^(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{8,87}$/.test(candidate)) continue; // only what the scanner's match passes on
    const expected = decoderSays(candidate);
    if (expected) valid++;
    expect([candidate, bech32Valid(candidate)]).toEqual([candidate, expected]);
  }
  expect(valid).toBeGreaterThan(2000);
});

test("known addresses: BIP 173 and BIP 350 test vectors pass, a changed character fails", () => {
  for (const address of ["BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3", "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y"]) {
    expect(bech32Valid(address)).toBe(true);
    expect(bech32Valid(address.replace(/.$/, (last) => (last.toLowerCase() === "q" ? "p" : "q")))).toBe(false);
  }
});
