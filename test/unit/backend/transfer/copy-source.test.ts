import { describe, expect, test } from "bun:test";
import { bottlePath, copySource, insideWorkspace } from "../../../../src/backend/transfer/copy-source.ts";

describe("bottlePath", () => {
  test.each([
    ["src/app.ts", "/workspace/src/app.ts"],
    [".", "/workspace/."],
    ["src/.", "/workspace/src/."],
    ["/etc/hostname", "/etc/hostname"],
    ["/workspace/", "/workspace"],
    ["../etc/passwd", "/etc/passwd"],
    ["/", "/"],
    ["/.", "/."],
  ])("%s → %s", (given, expected) => {
    expect(bottlePath(given, "/workspace")).toBe(expected);
  });
});

test("copySource splits for tar, `/.` meaning the folder's contents", () => {
  expect(copySource("/workspace/src")).toEqual({ dir: "/workspace", base: "src" });
  expect(copySource("/workspace/src/.")).toEqual({ dir: "/workspace/src", base: "." });
  expect(copySource("/.")).toEqual({ dir: "/", base: "." });
});

test("insideWorkspace", () => {
  expect(insideWorkspace("/workspace", "/workspace")).toBe(true);
  expect(insideWorkspace("/workspace/.", "/workspace")).toBe(true);
  expect(insideWorkspace("/workspace/a", "/workspace")).toBe(true);
  expect(insideWorkspace("/workspaces", "/workspace")).toBe(false);
  expect(insideWorkspace("/etc", "/workspace")).toBe(false);
});
