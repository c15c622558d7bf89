import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { base58 } from "@scure/base";
import { financialHits } from "../../../../src/gate/dlp/financial-ids.ts";

const sha256 = (bytes: Uint8Array): Buffer => createHash("sha256").update(bytes).digest();
const base58check = (payload: Uint8Array): string => base58.encode(Buffer.concat([payload, sha256(sha256(payload)).subarray(0, 4)]));

/** Each identifier as the whole text, at its shortest: a short decoded stretch or a
 * group's line is such a text, and the length each regex needs is checked before it runs. */
const shortest: Record<string, [string, string]> = {
  "a Norwegian IBAN (15 characters)": ["NO9386011117947", "iban"],
  "the same in groups of four": ["NO93 8601 1117 947", "iban"],
  "a P2PKH address of 27 characters (a hash of zero bytes)": [base58check(new Uint8Array(21)), "bitcoin-address"],
  "a P2PKH address of 26 characters": [base58check(Uint8Array.from([0, ...new Uint8Array(19), 1])), "bitcoin-address"],
  "a bech32 address in capitals": ["BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "bitcoin-address"],
  "a bech32 address in lower case": ["bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "bitcoin-address"],
};

for (const [name, [text, kind]] of Object.entries(shortest)) {
  test(`${name} is found as the whole text`, () => {
    expect(financialHits(text).map((hit): string => hit.kind)).toEqual([kind]);
  });
}

test("the shortest texts are that short", () => {
  expect((shortest["a P2PKH address of 26 characters"] as [string, string])[0]).toHaveLength(26);
});

/** `prefix` padded to `length` digits with a Luhn check digit. */
function cardNumber(prefix: string, length: number): string {
  const body = prefix.padEnd(length - 1, "7");
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let digit = body.charCodeAt(body.length - 1 - i) - 48;
    if (i % 2 === 0) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}

test("card numbers by network: each prefix range at its ends and each length it issues; just outside, none", () => {
  const issued: [string, number[]][] = [
    ["4", [13, 16, 19]],
    ["51", [16]],
    ["55", [16]],
    ["2221", [16]],
    ["2720", [16]],
    ["34", [15]],
    ["37", [15]],
    ["6011", [16, 19]],
    ["65", [16, 19]],
    ["6440", [16, 19]],
    ["6499", [16, 19]],
    ["3528", [16, 19]],
    ["3589", [16, 19]],
    ["36", [14, 16, 19]],
    ["3000", [14, 16, 19]],
    ["3059", [14, 16, 19]],
    ["62", [16, 19]],
  ];
  for (const [prefix, lengths] of issued) {
    for (const length of lengths) expect([prefix, length, financialHits(cardNumber(prefix, length)).map((hit): string => hit.kind)]).toEqual([prefix, length, ["card-number"]]);
  }
  for (const prefix of ["2220", "2721", "3060", "3527", "3590", "6010", "6439", "1234", "56"]) {
    expect([prefix, financialHits(cardNumber(prefix, 16)).length]).toEqual([prefix, 0]);
  }
  expect(financialHits(cardNumber("34", 16))).toEqual([]); // American Express issues 15 only
});
