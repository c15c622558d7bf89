import { describe, expect, test } from "bun:test";
import { BottleError, ExitCode, UsageError } from "../../../src/core/errors.ts";

describe("BottleError", () => {
  test("carries a message, a hint and exit code 1 by default", () => {
    const error = new BottleError("the Docker engine is not running", { hint: "start it" });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("BottleError");
    expect(error.message).toBe("the Docker engine is not running");
    expect(error.hint).toBe("start it");
    expect(error.exitCode).toBe(ExitCode.failure);
  });

  test("keeps the cause for --debug", () => {
    const cause = new Error("ECONNREFUSED");
    expect(new BottleError("no engine", { cause }).cause).toBe(cause);
  });

  test("has no hint unless given one", () => {
    expect(new BottleError("x").hint).toBeUndefined();
  });
});

describe("UsageError", () => {
  test("is a BottleError that exits 2", () => {
    const error = new UsageError("unknown flag --nope", "run `bottle --help`");
    expect(error).toBeInstanceOf(BottleError);
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.hint).toBe("run `bottle --help`");
    expect(new UsageError("x").hint).toBeUndefined();
  });
});

test("exit codes are 0 ok, 1 failure, 2 usage", () => {
  expect(ExitCode).toMatchObject({ ok: 0, failure: 1, usage: 2 });
});
