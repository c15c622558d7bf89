import { describe, expect, test } from "bun:test";
import { mkdtemp, realpath, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BottleError } from "../../../src/core/errors.ts";
import { describeCommand, failure, processRunner, type RunResult } from "../../../src/core/runner.ts";

const sh = (script: string, ...args: string[]) => ["sh", "-c", script, "sh", ...args];

describe("processRunner.run", () => {
  test("captures stdout and stderr separately", async () => {
    const result = await processRunner.run(sh('printf out; printf err >&2'));
    expect(result).toMatchObject({ exitCode: 0, signal: null, stdout: "out", stderr: "err", timedOut: false });
  });

  test("returns the exit code when check is off", async () => {
    const result = await processRunner.run(sh("exit 7"), { check: false });
    expect(result.exitCode).toBe(7);
    expect(result.signal).toBeNull();
  });

  test("a non-zero exit throws a BottleError naming the command and its last stderr line", async () => {
    const error = await processRunner.run(sh("echo first >&2; echo 'last words' >&2; exit 3")).catch((e) => e);
    expect(error).toBeInstanceOf(BottleError);
    expect(error.message).toBe("`sh` failed (exit 3): last words");
  });

  test("maps a signal that ended the child", async () => {
    const result = await processRunner.run(sh("kill -TERM $$"), { check: false });
    expect(result.signal).toBe("SIGTERM");
    expect(result.timedOut).toBe(false);
  });

  test("a signal with check on throws 'was killed by'", async () => {
    const error = await processRunner.run(sh("kill -KILL $$")).catch((e) => e);
    expect(error).toBeInstanceOf(BottleError);
    expect(error.message).toContain("was killed by SIGKILL");
  });

  test("stops a child whose stdout passes maxStdoutBytes, keeps none of it and says so; one under it is read whole", async () => {
    const over = await processRunner.run(sh("yes 0123456789"), { maxStdoutBytes: 100_000, check: false, timeoutMs: 10_000 });
    expect({ overflowed: over.overflowed, stdout: over.stdout, signal: over.signal, timedOut: over.timedOut }).toEqual({ overflowed: true, stdout: "", signal: "SIGKILL", timedOut: false });
    const under = await processRunner.run(sh("printf 0123456789"), { maxStdoutBytes: 100_000 });
    expect([under.stdout, under.overflowed]).toEqual(["0123456789", undefined]);
  });

  test("kills a child that outlives its timeout and says so", async () => {
    const result = await processRunner.run(["sleep", "30"], { timeoutMs: 100, check: false });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe("SIGKILL");
    const error = await processRunner.run(["sleep", "30"], { timeoutMs: 100 }).catch((e) => e);
    expect(error.message).toBe("`sleep` timed out");
  });

  test("a timeout is kept even when a grandchild holds the output pipes", async () => {
    // Were the runner to read until every writer is gone, "late" would arrive too.
    const script = "echo started; (sleep 10; echo late) & wait";
    const result = await processRunner.run(sh(script), { timeoutMs: 300, check: false });
    expect(result.timedOut).toBe(true);
    expect(result.stdout).toBe("started\n");
  });

  test("an abort is kept even when a grandchild holds the output pipes", async () => {
    const controller = new AbortController();
    const running = processRunner.run(sh("echo started; (sleep 10; echo late) & wait"), {
      signal: controller.signal,
      check: false,
      onOutput: () => controller.abort(),
    });
    const result = await running;
    expect(result.signal).toBe("SIGTERM");
    expect(result.stdout).toBe("started\n");
  });

  test("a child that exits by itself is read to the end, also output its grandchild adds", async () => {
    const result = await processRunner.run(sh("echo started; (sleep 0.3; echo late) & exit 0"));
    expect(result.stdout).toBe("started\nlate\n");
  });

  test("an aborted signal stops the child, also one aborted before the start", async () => {
    const controller = new AbortController();
    const running = processRunner.run(["sleep", "30"], { signal: controller.signal, check: false });
    controller.abort();
    expect((await running).signal).toBe("SIGTERM");
    const early = await processRunner.run(["sleep", "30"], { signal: AbortSignal.abort(), check: false });
    expect(early.signal).toBe("SIGTERM");
  });

  test("secretEnv reaches the child's environment but never its argv", async () => {
    const secret = "s3cr3t-value-that-must-not-leak";
    // The child prints its own command line from /proc, then the variable.
    const result = await processRunner.run(sh('tr "\\0" " " </proc/$$/cmdline; echo; printf %s "$TOKEN"'), {
      secretEnv: { TOKEN: secret },
    });
    const [cmdline, value] = result.stdout.split("\n");
    expect(value).toBe(secret);
    expect(cmdline).not.toContain(secret);
    expect(result.argv.join(" ")).not.toContain(secret);
  });

  test("a failing command's error does not contain secretEnv values", async () => {
    const error = await processRunner.run(sh("echo nope >&2; exit 1"), { secretEnv: { TOKEN: "hunter2-secret" } }).catch((e) => e);
    expect(error).toBeInstanceOf(BottleError);
    expect(JSON.stringify({ message: error.message, hint: error.hint })).not.toContain("hunter2-secret");
  });

  test("env adds to the parent's environment; cwd sets the directory", async () => {
    const dir = await realpath(await mkdtemp(join(tmpdir(), "bottle-runner-")));
    const result = await processRunner.run(sh('printf "%s|%s|%s" "$EXTRA" "$PWD" "${PATH:+path}"'), {
      env: { EXTRA: "yes" },
      cwd: dir,
    });
    expect(result.stdout).toBe(`yes|${dir}|path`);
  });

  test("writes a string to the child's stdin", async () => {
    const result = await processRunner.run(["cat"], { stdin: "hello\nworld" });
    expect(result.stdout).toBe("hello\nworld");
  });

  test("stdin 'ignore' and 'inherit' are modes, never text written to the child", async () => {
    expect((await processRunner.run(["cat"], { stdin: "ignore" })).stdout).toBe("");
    // Under `bun test` the parent's stdin is not a pipe with data: inherited, cat reads nothing.
    const inherited = await processRunner.run(["sh", "-c", "cat </dev/stdin | head -c 7; true"], { stdin: "inherit", timeoutMs: 5_000, check: false });
    expect(inherited.stdout).not.toContain("inherit");
  });

  test("onOutput sees the output as it comes, and the result still has all of it", async () => {
    const seen: string[] = [];
    const result = await processRunner.run(sh("echo one; echo two >&2"), {
      onOutput: (chunk, stream) => seen.push(`${stream}:${chunk}`),
    });
    expect(seen.join("")).toContain("stdout:one\n");
    expect(seen.join("")).toContain("stderr:two\n");
    expect(result.stdout).toBe("one\n");
  });

  test("a missing program is a BottleError with a hint, as a rejection rather than a throw", async () => {
    const pending = processRunner.run(["bottle-no-such-program"]);
    expect(pending).toBeInstanceOf(Promise);
    const error = await pending.catch((e) => e);
    expect(error).toBeInstanceOf(BottleError);
    expect(error.message).toBe("`bottle-no-such-program` is not installed or not on PATH");
    expect(error.hint).toContain("bottle doctor");
  });

  test("a missing cwd is named as such, not as a missing program", async () => {
    const error = await processRunner.run(["sh", "-c", "true"], { cwd: "/bottle/no/such/dir" }).catch((e) => e);
    expect(error).toBeInstanceOf(BottleError);
    expect(error.message).toContain("/bottle/no/such/dir does not exist");
  });

  test("a file without the executable bit is named with a hint", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "bottle-runner-")), "plain");
    await writeFile(file, "#!/bin/sh\necho hi\n", { mode: 0o644 });
    const error = await processRunner.run([file]).catch((e) => e);
    expect(error).toBeInstanceOf(BottleError);
    expect(error.message).toBe(`\`${file}\` is not executable`);
    expect(error.hint).toContain("permissions");
  });

  test("an executable in a format the kernel cannot run is named with a hint", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "bottle-runner-")), "garbage");
    await writeFile(file, new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3, 4]), { mode: 0o755 });
    const error = await processRunner.run([file]).catch((e) => e);
    expect(error).toBeInstanceOf(BottleError);
    expect(error.message).toBe(`\`${file}\` is not a program this machine can run`);
    expect(error.hint).toContain("another OS or CPU");
  });
});

describe("processRunner.start", () => {
  test("runs in the background and can be killed", async () => {
    const child = processRunner.start(["sleep", "30"], { check: false });
    expect(child.pid).toBeGreaterThan(0);
    child.kill("SIGINT");
    const result = await child.exited;
    expect(result.signal).toBe("SIGINT");
  });

  test("stdio 'stream' hands stdout over as bytes, undecoded, fed from a streamed stdin", async () => {
    // Bytes that are not UTF-8 would not survive a decode: a pack is binary.
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 7 + 0xc3) & 0xff);
    const child = processRunner.start(["sh", "-c", "cat; echo done >&2"], { stdin: new Response(bytes).body!, stdio: "stream" });
    const out = new Uint8Array(await new Response(child.stdout).arrayBuffer());
    const result = await child.exited;
    expect(Buffer.from(out).equals(Buffer.from(bytes))).toBe(true);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("done\n");
  });
});

describe("describeCommand", () => {
  test("names the program and its subcommand", () => {
    expect(describeCommand(["/usr/bin/docker", "run", "--rm", "x"])).toBe("docker run");
    expect(describeCommand(["smolvm", "machine", "create"])).toBe("smolvm machine");
  });

  test("never repeats a script or a flag value", () => {
    expect(describeCommand(["sh", "-c", "echo secret"])).toBe("sh");
    expect(describeCommand(["curl", "https://example.com/?token=x"])).toBe("curl");
  });
});

describe("failure", () => {
  const base: RunResult = { argv: ["docker", "ps"], exitCode: 1, signal: null, stdout: "", stderr: "", timedOut: false };

  test("falls back to the last stdout line when stderr is empty", () => {
    expect(failure({ ...base, stdout: "a\nthe reason\n" }).message).toBe("`docker ps` failed (exit 1): the reason");
  });

  test("has no trailing colon when the child said nothing", () => {
    expect(failure(base).message).toBe("`docker ps` failed (exit 1)");
  });
});
