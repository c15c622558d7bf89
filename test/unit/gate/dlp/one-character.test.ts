import { describe, expect, test } from "bun:test";
import { createScanner, type Finding } from "../../../../src/gate/dlp/create-scanner.ts";
import { fakeCredentials } from "./fake-credentials.ts";

/**
 * One character added to a key (a hunt for leaks, this round): glued to a letter or
 * digit before it, or a character no key holds put inside it. Each case passed the
 * scanner before; the origin got the key back by deleting the character.
 */
const credentials = fakeCredentials(41);
const keys = { github: credentials["github-token"]!, aws: credentials["aws-access-key"]!, anthropic: credentials["anthropic-key"]! };
const scanner = createScanner({ heldSecrets: [] });
const kinds = (findings: Finding[]): string[] => findings.map((finding) => finding.kind);
const body = (text: string) => kinds(scanner.scanBody(new TextEncoder().encode(text), "application/json"));
const kindOf = { github: "github-token", aws: "aws-access-key", anthropic: "anthropic-key" } as const;
const cut = (key: string, char: string) => `${key.slice(0, 14)}${char}${key.slice(14)}`;

describe.each(Object.entries(keys) as [keyof typeof keys, string][])("%s", (name, key) => {
  const kind = kindOf[name];

  test("glued to a letter or a digit before it, in a body and a URL path", () => {
    expect(body(JSON.stringify({ note: `x${key}` }))).toContain(kind);
    expect(kinds(scanner.scanUrl(`http://h.example/u/0${key}`))).toContain(kind);
  });

  test.each(["|", "\\", "^", "<", ">", "[", "]", "{", "}", "`"])("with %s inside it, in a body, a header and a URL", (char) => {
    expect(body(JSON.stringify({ note: cut(key, char) }))).toContain(kind);
    expect(kinds(scanner.scanHeaders([["x-note", cut(key, char)]]))).toContain(kind);
    expect(kinds(scanner.scanUrl(`http://h.example/u?q=${cut(key, encodeURIComponent(char))}`))).toContain(kind);
  });
});

test("glued only where the format is distinctive: a 36-character ghp_ tail, not any run in base64url", () => {
  expect(body(`x${keys.github}`)).toContain("github-token");
  // A longer tail is a real token's only when it starts a token (random base64url spells `ghp_` + 40).
  expect(body(`x${keys.github}abcd`)).toEqual([]);
  expect(body(`${keys.github}abcd`)).toContain("github-token");
});

test("a lower-case letter glued after an AWS key id does not hide it; an upper-case run that spells AKIA is no key", () => {
  expect(body(JSON.stringify({ id: `${keys.aws}x` }))).toContain("aws-access-key");
  expect(body(JSON.stringify({ id: `x${keys.aws}y` }))).toContain("aws-access-key");
  expect(body(`QWERTYUIOPAKIAJHGFDSAZXCVBNMQWERTY23`)).toEqual([]);
});

test.each([
  "desk-ant-design-pro-template-starter",
  "npm install @acme/task-ant-colony-optimizer-toolkit",
  "pip install flask-ant-design-admin-dashboard",
  "let mygithub_pat_for_deploy_scripts_here = 1",
])("glued only where the text has a real key's shape: %s is clean", (text) => {
  // A review of this round: `sk-ant-` after any word ending in `sk`, and `github_pat_` inside a name, read as keys.
  expect(body(JSON.stringify({ note: text }))).toEqual([]);
});
