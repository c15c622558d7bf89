import { describe, expect, test } from "bun:test";
import { parseAuditLine } from "../../../../src/cli/logs/audit-line.ts";
import { formatGitLines } from "../../../../src/cli/logs/git-audit-line.ts";

// The time of day is this machine's: build the entry's time from local parts.
const at = (h: number, m: number, s: number) => new Date(2026, 11, 1, h, m, s).toISOString();
const A = "1a2b3c4d".repeat(5);
const B = "5d6e7f80".repeat(5);
const ZERO = "0".repeat(40);
const push = (refs: object[], fields: Record<string, unknown> = {}) =>
  parseAuditLine(
    JSON.stringify({ time: at(12, 3, 4), client: "10.0.0.2:5000", method: "POST", host: "github.com", path: "/git/app.git/git-receive-pack", decision: "block", status: 200, service: "git", repo: "app", refs, bytes_up: 0, bytes_down: 0, duration_ms: 1, ...fields }),
  )!;

describe("formatGitLines", () => {
  test("a delete, a force and a tag are named with the manifest key that allows them", () => {
    expect(formatGitLines(push([{ ref: "refs/heads/bottle/x", old: A, new: ZERO, decision: "block", reason: "delete" }]), "default")).toEqual([
      "12:03:04 push app refs/heads/bottle/x deleted 1a2b3c4 refused delete — bottles.default.git (app) delete: true allows it",
    ]);
    expect(formatGitLines(push([{ ref: "refs/heads/bottle/x", old: A, new: B, decision: "block", reason: "force" }]), "default")![0]).toEndWith("1a2b3c4..5d6e7f8 refused force — bottles.default.git (app) force: true allows it");
    expect(formatGitLines(push([{ ref: "refs/tags/v1", old: ZERO, new: B, decision: "block", reason: "tag" }]), "default")![0]).toEndWith("created 5d6e7f8 refused tag — bottles.default.git (app) tags: true allows it");
  });

  test("an upstream refusal and a DLP warning are told apart from the gate's refusals", () => {
    expect(formatGitLines(push([{ ref: "refs/heads/bottle/x", old: A, new: B, decision: "error", reason: "upstream-refused" }], { decision: "error", reason: "upstream-refused" }), "d")).toEqual([
      "12:03:04 push app refs/heads/bottle/x 1a2b3c4..5d6e7f8 failed upstream-refused",
    ]);
    expect(formatGitLines(push([{ ref: "refs/heads/bottle/x", old: A, new: B, decision: "warn", reason: "dlp:aws-access-key" }], { decision: "warn" }), "d")![0]).toEndWith("allowed with a warning dlp:aws-access-key");
  });

  test("a ref name's control characters are shown, never sent to the terminal", () => {
    const [line] = formatGitLines(push([{ ref: "refs/heads/bottle/\u001b]0;pwned\u0007", old: ZERO, new: B, decision: "allow" }], { decision: "allow" }), "d")!;
    expect(line).toContain("bottle/\\u001b]0;pwned\\u0007");
    expect(line).not.toContain("\u001b");
  });

  test("a line of another service is not a git line", () => {
    const other = parseAuditLine(JSON.stringify({ time: at(12, 3, 4), method: "GET", host: "x", path: "/", decision: "allow", status: 200 }))!;
    expect(formatGitLines(other, "d")).toBeUndefined();
  });
});
