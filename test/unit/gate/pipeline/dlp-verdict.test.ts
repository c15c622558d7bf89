import { expect, test } from "bun:test";
import { dlpVerdict } from "../../../../src/gate/pipeline/dlp-verdict.ts";

const finding = { kind: "github-token", where: "body" };

test("a finding decides by the action; a scan stopped by its cost is refused under block only", () => {
  expect(dlpVerdict([finding], "block", ["scan-budget"])).toEqual({ action: "block", reason: "dlp:github-token" });
  expect(dlpVerdict([finding], "warn")).toEqual({ action: "warn", reason: "dlp:github-token" });
  expect(dlpVerdict([], "block", ["scan-budget"])).toEqual({ action: "block", reason: "scan-incomplete" });
  expect(dlpVerdict([], "block", ["body-prefix", "scan-budget"])).toEqual({ action: "block", reason: "scan-incomplete" });
  // Warn goes on (the audit line says where the scan stopped); off looks at nothing.
  expect(dlpVerdict([], "warn", ["scan-budget"])).toEqual({ action: "pass" });
  expect(dlpVerdict([finding], "off", ["scan-budget"])).toEqual({ action: "pass" });
});

test("size stops let a body through: large uploads are not refused for being large", () => {
  for (const stop of ["body-prefix", "body-beyond-prefix", "body-size", "decoded-size"]) expect(dlpVerdict([], "block", [stop])).toEqual({ action: "pass" });
  expect(dlpVerdict([], "block")).toEqual({ action: "pass" });
});
