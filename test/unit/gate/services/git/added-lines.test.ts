import { describe, expect, test } from "bun:test";
import { parseAddedLines } from "../../../../../src/gate/services/git/added-lines.ts";
import { describeFinding, scanAddedLines } from "../../../../../src/gate/services/git/scan-added-lines.ts";
import { createScanner } from "../../../../../src/gate/dlp/create-scanner.ts";

const C1 = "1".repeat(40);
const C2 = "2".repeat(40);
// What `git log` prints with ADDED_LINES_LOG_ARGS, for two commits.
const LOG = [
  `\u0001${C1}`,
  "    add config",
  "",
  "    body line",
  "diff --git a/config/app.env b/config/app.env",
  "new file mode 100644",
  "index 0000000..1111111",
  "--- /dev/null",
  "+++ b/config/app.env",
  "@@ -0,0 +1,3 @@",
  "+REGION=eu",
  "+diff --git a/looks b/like-a-header",
  "+KEY=AKIAIOSFODNN7EXAMPL3",
  "diff --git a/src/x.ts b/src/x.ts",
  "--- a/src/x.ts",
  "+++ b/src/x.ts",
  "@@ -10,3 +10,4 @@ function x() {",
  " context",
  "-old",
  "+new one",
  "+new two",
  " tail",
  "\\ No newline at end of file",
  `\u0001${C2}`,
  "    delete a file",
  "diff --git a/gone.txt b/gone.txt",
  "--- a/gone.txt",
  "+++ /dev/null",
  "@@ -1 +0,0 @@",
  "-bye",
].join("\n");

describe("parseAddedLines", () => {
  test("numbers added lines as the new file has them, and reads hunks by their counts", () => {
    const texts = parseAddedLines(LOG);
    expect(texts).toEqual([
      { commit: C1, file: "(commit message)", lines: [{ line: 1, text: "add config" }, { line: 2, text: "body line" }] },
      {
        commit: C1,
        file: "config/app.env",
        lines: [
          { line: 1, text: "REGION=eu" },
          { line: 2, text: "diff --git a/looks b/like-a-header" },
          { line: 3, text: "KEY=AKIAIOSFODNN7EXAMPL3" },
        ],
      },
      { commit: C1, file: "src/x.ts", lines: [{ line: 11, text: "new one" }, { line: 12, text: "new two" }] },
      { commit: C2, file: "(commit message)", lines: [{ line: 1, text: "delete a file" }] },
    ]);
  });

  test("unquotes paths git quoted", () => {
    const texts = parseAddedLines(`\u0001${C1}\ndiff --git "a/t\\tab" "b/t\\tab"\n--- /dev/null\n+++ "b/t\\tab \\303\\251"\n@@ -0,0 +1 @@\n+x`);
    expect(texts.map((t) => t.file)).toEqual(["t\tab é"]);
  });
});

describe("scanAddedLines", () => {
  const scanner = createScanner({ heldSecrets: ["held-secret-value-123456"] });

  test("names file:line and the kind of each hit, never the text", async () => {
    const { findings } = await scanAddedLines(parseAddedLines(LOG), scanner);
    expect(findings).toEqual([{ commit: C1, file: "config/app.env", line: 3, kind: "aws-access-key" }]);
    expect(describeFinding(findings[0]!)).toBe(`config/app.env:3: aws-access-key (commit ${C1.slice(0, 12)})`);
    expect(JSON.stringify(findings)).not.toContain("AKIA");
  });

  test("finds a held secret in a commit message and in a path, base64-encoded too", async () => {
    const encoded = Buffer.from("held-secret-value-123456").toString("base64");
    const { findings } = await scanAddedLines(
      [
        { commit: C1, file: "(commit message)", lines: [{ line: 2, text: `token ${encoded}` }] },
        { commit: C1, file: "notes/held-secret-value-123456.txt", lines: [{ line: 1, text: "hi" }] },
      ],
      scanner,
    );
    expect(findings).toContainEqual({ commit: C1, file: "(commit message)", line: 2, kind: "held-secret" });
    // The path is named with the secret cut out of it.
    expect(findings).toContainEqual({ commit: C1, file: expect.stringMatching(/^notes\/\[REDACTED:held-secret\]/), line: undefined, kind: "held-secret (in the path)" });
    expect(JSON.stringify(findings)).not.toContain("held-secret-value-123456");
  });

  test("scans a file of many lines in pieces and still finds a hit at the end", async () => {
    const lines = Array.from({ length: 40_000 }, (_, i) => ({ line: i + 1, text: `const line${i} = ${i}; // some padding text here` }));
    lines.push({ line: 40_001, text: "t = 'ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5'" });
    const { findings } = await scanAddedLines([{ commit: C1, file: "big.ts", lines }], scanner);
    expect(findings).toEqual([{ commit: C1, file: "big.ts", line: 40_001, kind: "github-token" }]);
  });

  test("one line longer than the scanner's text limit is read in pieces: a key after 9 MiB of it is found", async () => {
    // The attack (a review of this round): a 9 MiB line was one scan, stopped at its
    // 8 MiB text limit, and what lay past was treated as clean.
    const line = `${"x".repeat(9 * 1024 * 1024)} AKIAQ3ZL7XN2VPKM4TRW`;
    const { findings, incomplete } = await scanAddedLines([{ commit: C1, file: "bundle.min.js", lines: [{ line: 1, text: line }] }], scanner);
    expect(findings).toEqual([{ commit: C1, file: "bundle.min.js", line: 1, kind: "aws-access-key" }]);
    expect(incomplete).toEqual([]);
  });

  test("a piece whose scan stops short is named in incomplete, not taken as clean", async () => {
    const stopped = { findings: [], incomplete: ["scan-budget"] };
    const stops = { ...scanner, scanBodyReport: () => stopped, scanRequest: async () => stopped };
    const long = Array.from({ length: 400 }, (_, index) => ({ line: index + 1, text: "x".repeat(100) }));
    const { findings, incomplete } = await scanAddedLines(
      [{ commit: C1, file: "slow.txt", lines: [{ line: 1, text: "costly" }] }, { commit: C1, file: "long.txt", lines: long }],
      stops,
    );
    expect(findings).toEqual([]);
    expect(incomplete).toContainEqual({ commit: C1, file: "slow.txt", why: "scan-budget" });
    // A piece long enough for the scheduler: its stop is named too.
    expect(incomplete).toContainEqual({ commit: C1, file: "long.txt", why: "scan-budget" });
  });

  test("a push's changes are scanned without holding the event loop: other work runs before the scan ends", async () => {
    // The attack (a review of this round): 30 MiB of changes were scanned in one go,
    // and every other request of the bottle waited ~1.3 s for it.
    const lines = Array.from({ length: 40_000 }, (_, index) => ({ line: index + 1, text: `const value${index} = ${index};` }));
    lines.push({ line: 40_001, text: "key = AKIAQ3ZL7XN2VPKM4TRW" });
    const order: string[] = [];
    const scanned = scanAddedLines([{ commit: C1, file: "many.ts", lines }], scanner).then((result) => (order.push("scan"), result));
    setImmediate(() => order.push("other work"));
    const { findings } = await scanned;
    expect(order).toEqual(["other work", "scan"]);
    expect(findings).toEqual([{ commit: C1, file: "many.ts", line: 40_001, kind: "aws-access-key" }]);
  });
});

describe("parseAddedLines, files with no added line", () => {
  test("an empty new file and a mode change are listed by path (quoted ones too); a deletion is not", () => {
    const log = [
      `\u0001${C1}`,
      "    files",
      "diff --git a/keys/AKIA.txt b/keys/AKIA.txt",
      "new file mode 100644",
      "index 0000000..e69de29",
      'diff --git "a/tab\\there" "b/tab\\there"',
      "old mode 100644",
      "new mode 100755",
      "diff --git a/gone.txt b/gone.txt",
      "deleted file mode 100644",
      "--- a/gone.txt",
      "+++ /dev/null",
      "@@ -1 +0,0 @@",
      "-bye",
    ].join("\n");
    expect(parseAddedLines(log).map((text) => text.file)).toEqual(["(commit message)", "keys/AKIA.txt", "tab\there"]);
  });
});
