import { expect, test } from "bun:test";
import { parseSizeText } from "../../../../src/backend/transfer/size-text.ts";

test("parseSizeText reads docker's sizes back", () => {
  expect(["0B", "29B", "24.58kB", "1.2MB", "3GB", "N/A", ""].map(parseSizeText)).toEqual([0, 29, 24_580, 1_200_000, 3_000_000_000, undefined, undefined]);
});
