import { describe, expect, test } from "bun:test";
import { beginAudit, type AuditEntry } from "../../../../src/gate/audit.ts";
import { createScanner } from "../../../../src/gate/dlp/create-scanner.ts";
import { buildHeldSecretForms } from "../../../../src/gate/dlp/held-secret-forms.ts";
import { base32, fakeCredentials, FakeSource, percentAll } from "./fake-credentials.ts";

/**
 * Issue 9, finding 7: the audit line of a blocked request never keeps a secret. The
 * property: every case the scanner blocks (each secret × encoding × place), written
 * through `beginAudit` with `auditTarget` as the handlers do, holds none of the
 * secret's forms the scanner knows (raw, hex, base32, base64 at every alignment,
 * percent), in any case, nor a 12-character piece of the secret or of what was sent,
 * and the line's host and path scan clean.
 */

const source = new FakeSource(313);
const held = `held-${source.token(28)}`;
const scanner = createScanner({ heldSecrets: [held] });
const secrets: Record<string, string> = { ...fakeCredentials(17), "held-secret": held };
delete secrets["private-key"]; // multi-line: not a URL

const b64url = (s: string): string => Buffer.from(s).toString("base64url");
const encodings: Record<string, (s: string) => string> = {
  raw: encodeURIComponent,
  "percent every byte": percentAll,
  "double percent": (s) => encodeURIComponent(percentAll(s)),
  base64: (s) => encodeURIComponent(Buffer.from(s).toString("base64")),
  base64url: b64url,
  base32: (s) => base32(s).replace(/=+$/, ""),
  "base32 lower": (s) => base32(s).replace(/=+$/, "").toLowerCase(),
  hex: (s) => Buffer.from(s).toString("hex"),
  HEX: (s) => Buffer.from(s).toString("hex").toUpperCase(),
  "base64(hex)": (s) => b64url(Buffer.from(s).toString("hex")),
  "split over segments": (s) => `${encodeURIComponent(s.slice(0, 14))}/${encodeURIComponent(s.slice(14))}`,
  "one - inserted": (s) => encodeURIComponent(`${s.slice(0, 11)}-${s.slice(11)}`),
  "base64 split by dots": (s) => b64url(s).replace(/(.{9})/g, "$1."),
};

/** Where the encoded secret goes: a request target (absolute- or authority-form). */
const places: Record<string, (encoded: string, s: string) => string | undefined> = {
  path: (e) => `http://app.gate.test/v1/upload/${e}/meta?page=2`,
  query: (e) => `http://app.gate.test/search?q=1&data=${e}&x=1`,
  "query split": (e) => `http://app.gate.test/s?a=${e.slice(0, Math.floor(e.length / 2))}&b=${e.slice(Math.floor(e.length / 2))}`,
  userinfo: (e) => `http://u:${e}@app.gate.test/`,
  fragment: (e) => `http://app.gate.test/p#${e}`,
};
/** Hostname forms (DNS-safe encodings only), in absolute-form and as a CONNECT target. */
const hostForms: Record<string, (s: string) => string> = {
  hex: (s) => Buffer.from(s).toString("hex").replace(/(.{60})/g, "$1."),
  "base32 lower": (s) => base32(s).replace(/=+$/, "").toLowerCase().replace(/(.{60})/g, "$1."),
  "base64url in 2-character labels": (s) => (b64url(s).match(/.{1,2}/g) ?? []).join("."),
  "base64url in long labels, case intact": (s) => b64url(s).replaceAll("_", "0").replace(/(.{50})/g, "$1."),
};

type Case = { name: string; secret: string; sent: string; target: string; tunnel: boolean };
const cases: Case[] = [];
for (const [kind, secret] of Object.entries(secrets)) {
  for (const [encodingName, encodeFor] of Object.entries(encodings)) {
    const sent = encodeFor(secret);
    for (const [placeName, place] of Object.entries(places)) {
      // A `/` ends the authority, so a split over segments cannot be userinfo; a
      // JWT split or with a `-` inserted is a known limit (its dots are structure).
      if (placeName === "userinfo" && encodingName === "split over segments") continue;
      if (kind === "jwt" && (encodingName === "split over segments" || encodingName === "one - inserted")) continue;
      const target = place(sent, secret);
      if (target !== undefined) cases.push({ name: `${kind} ${encodingName} in ${placeName}`, secret, sent, target, tunnel: false });
    }
  }
  for (const [formName, form] of Object.entries(hostForms)) {
    const labels = form(secret);
    cases.push({ name: `${kind} ${formName} in a hostname`, secret, sent: labels, target: `http://${labels}.exfil.example/x`, tunnel: false });
    cases.push({ name: `${kind} ${formName} in a CONNECT host`, secret, sent: labels, target: `${labels}.exfil.example:443`, tunnel: true });
  }
}

/** The JSON line the gate writes for a blocked request to `target`. */
function auditLine(target: string, tunnel: boolean): string {
  const lines: AuditEntry[] = [];
  const log = { record: (entry: AuditEntry) => void lines.push({ ...entry }), close: async () => {} };
  const { host, path } = scanner.auditTarget(target);
  const finish = beginAudit(log, { remoteAddress: "127.0.0.1", remotePort: 5 }, { method: tunnel ? "CONNECT" : "GET", host, path: tunnel ? "" : path });
  finish({ decision: "block", reason: "dlp:x", status: 403 });
  return JSON.stringify(lines[0]);
}

/** Every form of `secret` the scanner searches for, and 12-character pieces. */
function leakForms(secret: string, sent: string): string[] {
  const forms = buildHeldSecretForms([secret]);
  const pieces: string[] = [];
  for (const text of [secret, sent.replaceAll(".", "")]) for (let i = 0; i + 12 <= text.length; i += 3) pieces.push(text.slice(i, i + 12));
  return [...forms.exact, ...pieces];
}

describe("no audit line of a blocked request keeps the secret", () => {
  test(`${cases.length} cases`, () => {
    const failures: string[] = [];
    for (const testCase of cases) {
      const findings = testCase.tunnel ? scanner.scanHostname(testCase.target) : scanner.scanUrl(testCase.target);
      if (findings.length === 0) {
        failures.push(`${testCase.name}: not blocked`);
        continue;
      }
      const line = auditLine(testCase.target, testCase.tunnel);
      const lower = line.toLowerCase();
      const caseless = buildHeldSecretForms([testCase.secret]).caseless;
      const leaked = leakForms(testCase.secret, testCase.sent).find((form) => line.includes(form)) ?? caseless.find((form) => lower.includes(form));
      if (leaked !== undefined) failures.push(`${testCase.name}: line keeps ${JSON.stringify(leaked.slice(0, 6))}…`);
      const entry = JSON.parse(line) as AuditEntry;
      if (scanner.scanHostname(entry.host).length > 0 || scanner.scanUrl(entry.path).length > 0) failures.push(`${testCase.name}: the line still scans dirty`);
    }
    expect(failures).toEqual([]);
  });
});

test("the clean parts of a line are kept", () => {
  const key = secrets["github-token"] ?? "";
  expect(scanner.auditTarget(`http://api.gate.test/repos/o/r/issues?token=${key}&page=2`)).toEqual({
    host: "api.gate.test",
    path: "/repos/o/r/issues?token=[REDACTED:github-token]&page=2",
  });
  expect(scanner.auditTarget("registry.npmjs.org:443")).toEqual({ host: "registry.npmjs.org:443", path: "" });
});

test("redactHeaders removes a secret split over two headers from both", () => {
  const key = secrets["github-token"] ?? "";
  const redacted = scanner.redactHeaders([
    ["Accept", "*/*"],
    ["X-A", key.slice(0, 20)],
    ["X-B", key.slice(20)],
  ]);
  expect(redacted[0]).toEqual(["Accept", "*/*"]);
  expect(JSON.stringify(redacted)).not.toContain(key.slice(0, 12));
  expect(JSON.stringify(redacted)).not.toContain(key.slice(24));
});
