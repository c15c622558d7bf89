import { describe, expect, test } from "bun:test";
import { ambiguousPath } from "../../../../src/gate/tls/ambiguous-path.ts";

describe("ambiguousPath", () => {
  // Each as WHATWG URL parsing leaves it (so `new URL(...).pathname` of the raw spelling).
  test.each([
    ["path parameter on a dot segment (Tomcat, Spring)", "/ok/..;/nope"],
    ["a parameter after the dots", "/ok/..;x=1/nope"],
    ["one dot with a parameter", "/ok/.;/nope"],
    ["encoded dots with a parameter", "/ok/%2e%2e;/nope"],
    ["an encoded semicolon", "/ok/..%3b/nope"],
    ["NUL after the dots", "/ok/..%00/nope"],
    ["a tab a trimming server drops", "/ok/..%09/nope"],
    ["a trailing space", "/ok/..%20/nope"],
    ["double-encoded dots", "/ok/%252e%252e/nope"],
    ["triple-encoded dots", "/ok/%25252e%25252e/nope"],
    ["overlong UTF-8 dots", "/ok/%c0%ae%c0%ae/nope"],
    ["three-byte overlong dots", "/ok/%e0%80%ae%e0%80%ae/nope"],
    ["fullwidth dots (NFKC)", "/ok/%ef%bc%8e%ef%bc%8e/nope"],
    ["IIS %u escapes", "/ok/%u002e%u002e/nope"],
    ["an ideographic full stop", "/ok/.%E3%80%82/nope"],
    ["an encoded slash", "/ok%2f..%2fnope"],
    ["a double-encoded backslash", "/ok/%255c..%255cnope"],
    ["a NUL anywhere", "/ok/file%00.txt"],
  ])("%s: %s", (_why, path) => {
    expect(ambiguousPath(path)).toBe(true);
  });

  test.each(["/ok/x", "/ok/a.b", "/ok/...", "/ok/.well-known/x", "/ok/x..y", "/ok/x;v=1", "/ok/%20x", "/ok/caf%C3%A9", "/ok/100%25", "/ok/%2525", "/"])(
    "an ordinary path passes: %s",
    (path) => {
      expect(ambiguousPath(path)).toBe(false);
    },
  );

  test("every spelling above is one WHATWG parsing keeps: the URL parser did not already resolve it", () => {
    expect(new URL("https://h/ok/..;/nope").pathname).toBe("/ok/..;/nope");
    expect(new URL("https://h/ok/..%00/nope").pathname).toBe("/ok/..%00/nope");
    expect(new URL("https://h/ok/%252e%252e/nope").pathname).toBe("/ok/%252e%252e/nope");
  });
});
