import { expect, test } from "bun:test";
import { createScanner } from "../../../../src/gate/dlp/create-scanner.ts";
import { fakeCredentials } from "./fake-credentials.ts";

/**
 * The attack: a secret's hex or base64, in groups split by a delimiter the scanner did
 * not know (`41|4b|…`, `Ym90;dGxl;…`, `62=6f=74…`, `62_6f_…`). Only `-`, `:`, `.`, `,`
 * and white space joined groups; each of these 216 bodies passed.
 */
const held = "bottle-deploy-key-3f9a0c1e-77b2-4d1a-9e0f-5a6b7c8d9e0f";
const github = fakeCredentials(23)["github-token"] ?? "";
const scanner = createScanner({ heldSecrets: [held] });
const DELIMITERS = [..."=&+/_|;!~*#@$^'?\\%<>()[]{}`\""];
const ENCODINGS: Record<string, (value: string) => string[]> = {
  "hex pairs": (value) => Buffer.from(value).toString("hex").match(/../g) ?? [],
  "hex quads": (value) => Buffer.from(value).toString("hex").match(/.{1,4}/g) ?? [],
  "base64 in fours": (value) => Buffer.from(value).toString("base64").replace(/=+$/, "").match(/.{1,4}/g) ?? [],
  "base64 in eights": (value) => Buffer.from(value).toString("base64").replace(/=+$/, "").match(/.{1,8}/g) ?? [],
};
/** Not joined in a body, by design: `%XX` and `\X` are escapes (percent rounds read
 * `%6f%74` as bytes; joining at `\` made a MiB of `\u0041` one sequence), and `+` and
 * `/` inside base64 are its own characters (the run is
 * decoded as it is; joining 16-character pieces split by `/` doubled a hostile input's
 * cost). URLs join them (their noise views). */
const NOT_JOINED = (encoding: string, delimiter: string) => delimiter === "%" || delimiter === "\\" || (encoding.startsWith("base64") && (delimiter === "+" || delimiter === "/"));

test("hex and base64 groups split by any printable delimiter are joined and found in a body", () => {
  const missed: string[] = [];
  const found: string[] = [];
  for (const [what, value] of [["held secret", held], ["GitHub token", github]] as const) {
    for (const [encoding, groups] of Object.entries(ENCODINGS)) {
      for (const delimiter of DELIMITERS) {
        const body = new TextEncoder().encode(`note: ${groups(value).join(delimiter)} end`);
        const kinds = scanner.scanBody(body, "text/plain").map((finding) => finding.kind);
        const name = `${what}, ${encoding}, ${JSON.stringify(delimiter)}`;
        if (NOT_JOINED(encoding, delimiter)) continue;
        (kinds.length > 0 ? found : missed).push(name);
      }
    }
  }
  expect(missed).toEqual([]);
  expect(found.length).toBeGreaterThan(180);
});

test("joining stays off ordinary text: snake_case names, key=value pairs, paths and a ghp_ key's own underscore", () => {
  for (const text of [
    "the get_user_name_by_identifier_value and set_user_name_by_identifier_value helpers",
    "a=1&b=22&c=333&d=4444&e=55555",
    "/usr/local/lib/node_modules/npm/bin/npm-cli.js",
    "x_1_2_3 y_4_5_6 z=a=b=c",
    // Rows of numbers in a semicolon CSV or a pipe table: one in ~30 joined read as a card.
    ...Array.from({ length: 200 }, (_, row) => [2297 + row * 37, 7044 + row * 11, 4668 + row, 6060 + row * 3].map((n) => String(n % 10000).padStart(4, "0")).join(row % 2 === 0 ? ";" : "|")),
  ]) {
    expect([text, scanner.scanBody(new TextEncoder().encode(text), "text/plain")]).toEqual([text, []]);
  }
  expect(scanner.scanBody(new TextEncoder().encode(`token ${github}`), "text/plain").map((finding) => finding.kind)).toContain("github-token");
});
