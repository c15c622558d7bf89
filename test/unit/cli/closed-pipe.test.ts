import { describe, expect, test } from "bun:test";
import { EventEmitter } from "node:events";
import { join } from "node:path";
import { guardClosedPipe } from "../../../src/cli/closed-pipe.ts";
import { processRunner } from "../../../src/core/runner.ts";

const fail = (code: string) => Object.assign(new Error(`${code}: write`), { code });

describe("guardClosedPipe", () => {
  test("a closed pipe (EPIPE) ends the process quietly with 141", () => {
    const exits: number[] = [];
    const stream = guardClosedPipe(new EventEmitter(), (code) => void exits.push(code));
    stream.emit("error", fail("EPIPE"));
    expect(exits).toEqual([141]);
  });

  test("any other write failure ends it with 1", () => {
    const exits: number[] = [];
    const stream = guardClosedPipe(new EventEmitter(), (code) => void exits.push(code));
    stream.emit("error", fail("ENOSPC"));
    expect(exits).toEqual([1]);
  });

  test("while a teardown runs, no write failure ends the process (EPIPE, EIO, ENOSPC)", () => {
    const exits: number[] = [];
    const stream = guardClosedPipe(new EventEmitter(), { exit: (code) => void exits.push(code), tearingDown: () => true });
    for (const code of ["EPIPE", "EIO", "ENOSPC"]) stream.emit("error", fail(code));
    expect(exits).toEqual([]);
  });

  test("a terminal that is gone (EIO: its window was closed) never ends the process", () => {
    const exits: number[] = [];
    const stream = guardClosedPipe(new EventEmitter(), { exit: (code) => void exits.push(code), tearingDown: () => false });
    stream.emit("error", fail("EIO"));
    expect(exits).toEqual([]);
  });

  test("guards a stream once, however often it is written to", () => {
    const stream = new EventEmitter();
    guardClosedPipe(stream, () => {});
    guardClosedPipe(stream, () => {});
    expect(stream.listenerCount("error")).toBe(1);
  });
});

describe("the CLI writing into a pipe whose reader has gone", () => {
  const main = join(import.meta.dir, "../../../src/cli/main.ts");
  for (const args of ["--version", "--help", "schema"]) {
    test(`\`bottle ${args} | true\` exits 141 without a stack trace`, async () => {
      // The pause lets `true` exit first, so the pipe is closed before bottle writes.
      const script = `{ sleep 0.3; "$0" "$1" ${args}; } | true; echo "exit=\${PIPESTATUS[0]}"`;
      const result = await processRunner.run(["bash", "-c", script, process.execPath, main]);
      expect(result.stdout).toBe("exit=141\n");
      expect(result.stderr).toBe("");
    });
  }
});
