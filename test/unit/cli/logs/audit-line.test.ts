import { describe, expect, test } from "bun:test";
import { formatAuditLine, parseAuditLine } from "../../../../src/cli/logs/audit-line.ts";

// The time of day is this machine's: build the entry's time from local parts.
const at = (h: number, m: number, s: number) => new Date(2026, 11, 1, h, m, s).toISOString();
const entry = (fields: Record<string, unknown>) =>
  JSON.stringify({ time: at(12, 3, 4), client: "10.0.0.2:5000", method: "CONNECT", host: "example.com:443", path: "", status: 403, bytes_up: 0, bytes_down: 0, duration_ms: 1, ...fields });

describe("formatAuditLine", () => {
  test("a refusal names its reason and the manifest key that decides it", () => {
    const line = parseAuditLine(entry({ decision: "block", reason: "not-allowed" }))!;
    expect(formatAuditLine(line, "default")).toBe("12:03:04 403 CONNECT example.com:443 not-allowed — allow it in bottles.default.egress.allow");
  });

  test.each([
    ["denied", "bottles.web.egress.deny refuses it"],
    ["private-address", "a private address: bottles.web.egress.allow_cidrs lets a range through"],
    ["dlp:github-token", "the DLP scan found github-token in the request; bottles.web.egress.dlp.action decides"],
  ])("%s → %s", (reason, advice) => {
    const line = parseAuditLine(entry({ decision: "block", reason, method: "POST", host: "api.example.com", path: "/v1?x=1" }))!;
    expect(formatAuditLine(line, "web")).toBe(`12:03:04 403 POST api.example.com/v1?x=1 ${reason} — ${advice}`);
  });

  test("a refused address is shown beside its reason", () => {
    const line = parseAuditLine(entry({ decision: "block", reason: "private-address", host: "registry.npmjs.org:443", address: "203.0.113.80" }))!;
    expect(formatAuditLine(line, "default")).toBe(
      "12:03:04 403 CONNECT registry.npmjs.org:443 private-address (203.0.113.80) — a private address: bottles.default.egress.allow_cidrs lets a range through",
    );
  });

  test("an allowed request or an upstream failure has no advice; a route is named", () => {
    expect(formatAuditLine(parseAuditLine(entry({ decision: "allow", status: 200, method: "GET", host: "gate", path: "/r/anthropic/v1", route: "anthropic" }))!, "default")).toBe(
      "12:03:04 200 GET gate/r/anthropic/v1 route anthropic",
    );
    expect(formatAuditLine(parseAuditLine(entry({ decision: "error", status: 502, reason: "dns-failure" }))!, "default")).toBe(
      "12:03:04 502 CONNECT example.com:443 dns-failure",
    );
  });

  test("control characters from the agent's request are shown, never sent to the terminal", () => {
    const line = parseAuditLine(entry({ decision: "block", reason: "not-allowed", method: "GET", host: "x.test", path: "/\u001b]52;c;cHduZWQ=\u0007\u009b2J" }))!;
    const shown = formatAuditLine(line, "default");
    expect(shown).toBe("12:03:04 403 GET x.test/\\u001b]52;c;cHduZWQ=\\u0007\\u009b2J not-allowed — allow it in bottles.default.egress.allow");
    expect(shown).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  test("a line that is not an audit entry does not parse", () => {
    expect(parseAuditLine("bottle gate: listening on 0.0.0.0:8080")).toBeUndefined();
    expect(parseAuditLine('{"time": 1}')).toBeUndefined();
  });
});
