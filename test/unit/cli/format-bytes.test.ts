import { expect, test } from "bun:test";
import { parseSizeText } from "../../../src/backend/transfer/size-text.ts";
import { formatBytes } from "../../../src/cli/format-bytes.ts";

test("formatBytes prints decimal units as docker does", () => {
  expect([0, 29, 999, 1000, 24_580, 1_234_567, 12_300_000_000].map(formatBytes)).toEqual(["0B", "29B", "999B", "1kB", "24.6kB", "1.23MB", "12.3GB"]);
});

test("parseSizeText reads docker's sizes back", () => {
  expect(["0B", "29B", "24.58kB", "1.2MB", "3GB", "N/A", ""].map(parseSizeText)).toEqual([0, 29, 24_580, 1_200_000, 3_000_000_000, undefined, undefined]);
});
