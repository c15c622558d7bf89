import { describe, expect, test } from "bun:test";
import { createScanner, type Finding } from "../../../../src/gate/dlp/create-scanner.ts";
import { ibanValid, luhnValid } from "../../../../src/gate/dlp/financial-ids.ts";
import { FakeSource } from "./fake-credentials.ts";

/**
 * Issue 9, "Deliver / DLP": formats that tolerate length variation, checksum-valid
 * financial identifiers, key/value secrets, delimited encodings and nested
 * percent-encoding. Each positive case has a near miss that must stay clean.
 */

const scanner = createScanner({ heldSecrets: [] });
const source = new FakeSource(77);
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const bodyKinds = (text: string, type = "text/plain"): string[] => scanner.scanBody(encode(text), type).map((f: Finding) => f.kind);

describe("credential prefixes tolerate length variation", () => {
  for (const length of [30, 36, 40, 82, 255]) {
    test(`ghp_ + ${length}`, () => expect(bodyKinds(`token ${`ghp_${source.token(length)}`} end`)).toContain("github-token"));
  }
  test("ghp_ + 29 is too short to be a token", () => expect(bodyKinds(`x ghp_${source.token(29)} y`)).not.toContain("github-token"));
  for (const key of [`sk-ant-api03-${source.token(60)}`, `sk-ant-${source.token(40)}`, `sk-ant-oat01-${source.token(120)}-${source.token(8)}`]) {
    test(`anthropic ${key.slice(0, 13)}… (${key.length})`, () => expect(bodyKinds(`k=${key}`)).toContain("anthropic-key"));
  }
  test("npm_ + 40", () => expect(bodyKinds(`//registry.npmjs.org/:_authToken=npm_${source.token(40)}`)).toContain("npm-token"));
});

/** A Luhn-valid number of `length` digits starting with `prefix`. */
function cardNumber(prefix: string, length: number): string {
  let digits = prefix + source.chars("0123456789", length - prefix.length - 1);
  for (let check = 0; check < 10; check++) if (luhnValid(digits + check)) return digits + check;
  digits = "";
  return digits;
}

describe("payment cards (issuer prefix, length, Luhn)", () => {
  const visa = cardNumber("4", 16);
  const amex = cardNumber("37", 15);
  test("Visa, plain", () => expect(bodyKinds(`{"card":"${visa}"}`, "application/json")).toContain("card-number"));
  test("Visa, grouped by spaces", () => expect(bodyKinds(`card ${visa.replace(/(\d{4})(?=\d)/g, "$1 ")} ok`)).toContain("card-number"));
  test("Mastercard, grouped by dashes", () => expect(bodyKinds(cardNumber("53", 16).replace(/(\d{4})(?=\d)/g, "$1-"))).toContain("card-number"));
  test("Amex 4-6-5", () => expect(bodyKinds(`${amex.slice(0, 4)} ${amex.slice(4, 10)} ${amex.slice(10)}`)).toContain("card-number"));
  test("a Luhn failure is not a card", () => {
    const bad = `${visa.slice(0, 15)}${(Number(visa[15]) + 1) % 10}`;
    expect(bodyKinds(`n=${bad}`)).not.toContain("card-number");
  });
  test("a 16-digit id without a card issuer prefix is not a card", () => {
    expect(bodyKinds(`{"id":${cardNumber("9", 16)},"ts":${cardNumber("17", 16)}}`)).not.toContain("card-number");
  });
  test("a card number inside a longer digit run or a decimal is not one", () => {
    expect(bodyKinds(`x=9${visa}1 y=${visa}.5`)).not.toContain("card-number");
  });
});

describe("IBAN (country length, mod 97)", () => {
  test("valid, grouped and plain", () => {
    expect(ibanValid("GB82WEST12345698765432")).toBe(true);
    expect(bodyKinds("pay to GB82 WEST 1234 5698 7654 32 today")).toContain("iban");
    expect(bodyKinds('{"iban":"DE89370400440532013000"}')).toContain("iban");
  });
  test("a wrong check digit or length is not an IBAN", () => {
    expect(bodyKinds("GB83WEST12345698765432 DE8937040044053201300")).not.toContain("iban");
  });
});

describe("Bitcoin", () => {
  test("a base58check P2PKH address", () => expect(bodyKinds("send to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa now")).toContain("bitcoin-address"));
  test("a bech32 address", () => expect(bodyKinds("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")).toContain("bitcoin-address"));
  test("a WIF private key", () => expect(bodyKinds("key: 5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ")).toContain("bitcoin-private-key"));
  test("one changed character fails the checksum", () => {
    expect(bodyKinds("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp")).toEqual([]);
  });
});

describe("key/value secrets", () => {
  const value = `${source.token(14)}!${source.chars("0123456789", 3)}`;
  const forms: Record<string, string> = {
    JSON: `{"user":"ci","password":"${value}"}`,
    "JSON camelCase": `{"clientSecret": "${value}"}`,
    YAML: `database:\n  host: db\n  password: ${value}\n`,
    env: `export API_KEY="${value}"\nOTHER=1\n`,
    form: `user=ci&api_key=${encodeURIComponent(value)}&x=1`,
    "CSV header": `user,email,password\nci,ci@example.com,${value}\n`,
  };
  for (const [name, text] of Object.entries(forms)) {
    test(name, () => expect(bodyKinds(text, name === "form" ? "application/x-www-form-urlencoded" : "text/plain")).toContain("key-value-secret"));
  }
  test("in a query string", () => {
    expect(scanner.scanUrl(`http://h.example/login?user=ci&password=${encodeURIComponent(value)}`)).toContainEqual({ kind: "key-value-secret", where: "url.query" });
  });
  test("in a header named like a key", () => {
    expect(scanner.scanHeaders([["X-Api-Key", value]]).map((f) => f.kind)).toContain("key-value-secret");
  });
  const benign = [
    '{"password": "${DB_PASSWORD}"}',
    "password: <your-password>",
    "API_KEY=changeme",
    "api_key=xxxxxxxxxxxxxxxx",
    '{"token": null, "max_tokens": 4096, "next_page_token": "CiAKGjBpNDd2Nmp4MHNhZXk"}',
    "CLAUDE_CODE_OAUTH_TOKEN=bottle-placeholder",
    '{"password": "short1"}',
    "secret: true",
    "password=your_password_here",
    '{"has_password": false, "password_set": true}',
    "token: {{ secrets.GITHUB_TOKEN }}",
    "PWD=/work/app\nOLDPWD=/home/user",
    "user,token_count\nci,12345678\n",
  ];
  for (const text of benign) {
    test(`benign: ${JSON.stringify(text).slice(0, 60)}`, () => expect(bodyKinds(text)).not.toContain("key-value-secret"));
  }
});

describe("delimited hex and base64", () => {
  const key = `AKIA${source.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)}`;
  const hex = Buffer.from(key).toString("hex").match(/../g) ?? [];
  for (const separator of ["-", ":", " "]) {
    test(`hex bytes split by ${JSON.stringify(separator)}`, () => expect(bodyKinds(`dump ${hex.join(separator)} end`)).toContain("aws-access-key"));
  }
  test("base64 in groups of four split by spaces", () => {
    const groups = Buffer.from(`id=${key}`).toString("base64").match(/.{1,4}/g) ?? [];
    expect(bodyKinds(groups.join(" "))).toContain("aws-access-key");
  });
  test("a MAC address and a UUID are not decoded into anything", () => {
    expect(bodyKinds("aa:bb:cc:dd:ee:ff 123e4567-e89b-12d3-a456-426614174000")).toEqual([]);
  });
});

describe("nested percent-encoding", () => {
  test("three rounds are a finding of their own", () => {
    expect(scanner.scanUrl("http://h.example/x?q=%252541").map((f) => f.kind)).toContain("nested-encoding");
  });
  test("double encoding is ordinary", () => {
    expect(scanner.scanUrl("http://h.example/x?next=%252Fhome%252F")).toEqual([]);
  });
});
