import { describe, expect, test } from "bun:test";

describe("list", () => {
  test("ages are short", async () => {
    const { age } = await import("../../../../src/cli/commands/list.ts");
    const now = Date.parse("2026-01-02T00:00:00Z");
    expect(age("2026-01-01T23:59:18Z", now)).toBe("42s");
    expect(age("2026-01-01T23:55:00Z", now)).toBe("5m");
    expect(age("2026-01-01T21:00:00Z", now)).toBe("3h");
    expect(age("2025-12-30T00:00:00Z", now)).toBe("3d");
    expect(age("", now)).toBe("?");
  });
});
