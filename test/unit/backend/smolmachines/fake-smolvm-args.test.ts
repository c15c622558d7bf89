import { describe, expect, test } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner } from "../../../../src/core/runner.ts";
import { parseArgs, type ParsedCall } from "../../../fixtures/smolvm/parse-args.ts";

/** The fake's CLI must match smolvm 1.9.x as issue 5 pins it down: these are that spec. */
const call = (argv: string[]): ParsedCall => {
  const parsed = parseArgs(argv);
  if (parsed.kind !== "call") throw new Error("expected a call");
  return parsed.call;
};

describe("fake smolvm: accepted forms", () => {
  test("--version", () => {
    expect(parseArgs(["--version"])).toEqual({ kind: "version" });
  });

  test("pack create: -I/--image and -o/--output, --cpus, --mem, --oci-platform, --entrypoint", () => {
    const long = call(["pack", "create", "--image", "localhost:5000/a:b", "--output", "/c/agent", "--cpus", "2", "--mem", "1024", "--oci-platform", "linux/amd64", "--entrypoint", "/bin/sh"]);
    expect(long.values).toEqual({ image: ["localhost:5000/a:b"], output: ["/c/agent"], cpus: ["2"], mem: ["1024"], "oci-platform": ["linux/amd64"], entrypoint: ["/bin/sh"] });
    expect(call(["pack", "create", "-I", "r/a", "-o", "out"]).values).toEqual({ image: ["r/a"], output: ["out"] });
    expect(call(["pack", "create", "--image=r/a", "--output=out"]).values).toEqual({ image: ["r/a"], output: ["out"] });
  });

  test("machine create: the flags bottle uses, repeatable -e/-v/--label/--allow-cidr, and -- CMD", () => {
    const parsed = call([
      "machine", "create", "--from", "/c/agent.smolmachine", "--name", "bottle-x", "--allow-cidr", "100.96.0.1/32",
      "-e", "HTTPS_PROXY=http://100.96.0.1:9", "-e", "NO_PROXY=a", "-v", "/w:/workspace", "--cpus", "2", "--mem", "4096",
      "--label", "dev.bottle.identity=x", "--net", "--allow-host", "example.com", "-p", "8080:80", "--", "sleep", "1",
    ]);
    expect(parsed.values.env).toEqual(["HTTPS_PROXY=http://100.96.0.1:9", "NO_PROXY=a"]);
    expect(parsed.values.volume).toEqual(["/w:/workspace"]);
    expect(parsed.booleans.has("net")).toBe(true);
    expect(parsed.trailing).toEqual(["sleep", "1"]);
    expect(call(["machine", "create", "-n", "m", "-I", "r/a"]).values).toEqual({ name: ["m"], image: ["r/a"] });
  });

  test("machine exec: --name, clustered -it, -w, -e, --timeout, command after --", () => {
    const parsed = call(["machine", "exec", "--name", "m", "-it", "-w", "/workspace", "-e", "A=1", "--timeout", "30", "--", "sh", "-c", "echo --name"]);
    expect([...parsed.booleans].sort()).toEqual(["interactive", "tty"]);
    expect(parsed.values).toEqual({ name: ["m"], workdir: ["/workspace"], env: ["A=1"], timeout: ["30"] });
    expect(parsed.trailing).toEqual(["sh", "-c", "echo --name"]);
  });

  test("start/stop -n/--name, delete -f/--force, ls --json", () => {
    expect(call(["machine", "start", "-n", "m"]).values.name).toEqual(["m"]);
    expect(call(["machine", "stop", "--name", "m"]).values.name).toEqual(["m"]);
    expect([...call(["machine", "delete", "--name", "m", "-f"]).booleans]).toEqual(["force"]);
    expect([...call(["machine", "delete", "-n", "m", "--force"]).booleans]).toEqual(["force"]);
    expect([...call(["machine", "ls", "--json"]).booleans]).toEqual(["json"]);
  });
});

describe("fake smolvm: wrong forms fail as the real one", () => {
  const wrong: [string, string[], RegExp][] = [
    ["no --memory (it is --mem)", ["machine", "create", "--memory", "4096"], /unexpected argument '--memory'/],
    ["pack create has no --name", ["pack", "create", "-I", "r/a", "-o", "o", "--name", "x"], /unexpected argument '--name'/],
    ["pack create needs --image", ["pack", "create", "-o", "o"], /required arguments were not provided: --image/],
    ["pack create needs --output", ["pack", "create", "-I", "r/a"], /required arguments were not provided: --output/],
    ["machine exec has no -n", ["machine", "exec", "-n", "m", "--", "true"], /unexpected argument '-n'/],
    ["machine exec needs -- before the command", ["machine", "exec", "--name", "m", "true"], /must follow '--'/],
    ["machine exec needs a command", ["machine", "exec", "--name", "m", "--"], /command is required/],
    ["machine start takes no command", ["machine", "start", "-n", "m", "--", "x"], /unexpected argument/],
    ["a value is required", ["machine", "start", "--name"], /value is required for '--name/],
    ["single flags are single", ["machine", "start", "-n", "a", "-n", "b"], /cannot be used multiple times/],
    ["unknown subcommand", ["machine", "run"], /unrecognized subcommand 'run'/],
    ["unknown group", ["vm", "ls"], /unrecognized subcommand 'vm'/],
    ["booleans take no value", ["machine", "ls", "--json=yes"], /unexpected value/],
  ];
  for (const [what, argv, message] of wrong) {
    test(what, () => {
      expect(() => parseArgs(argv)).toThrow(message);
    });
  }

  test("the executable prints `Error: <msg>` on stderr and exits 1; --version prints `smolvm X.Y.Z`", async () => {
    const fake = join(import.meta.dir, "../../../fixtures/smolvm/smolvm");
    const state = await mkdtemp(join(tmpdir(), "smolvm-fake-unit-"));
    const env = { SMOLVM_FAKE_STATE: state, SMOLVM_FAKE_LOG: join(state, "calls.jsonl") };
    const bad = await processRunner.run([fake, "machine", "create", "--memory", "1"], { check: false, env });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toBe("Error: unexpected argument '--memory' found\n");
    const version = await processRunner.run([fake, "--version"], { env });
    expect(version.stdout).toMatch(/^smolvm \d+\.\d+\.\d+\n$/);
    const output = await processRunner.run([fake, "pack", "create", "-I", "localhost:1/a:b", "-o", `${state}/x.smolmachine`], { check: false, env });
    expect(output.exitCode).toBe(1);
    expect(output.stderr).toStartWith("Error: --output must not end in .smolmachine");
    const empty = await processRunner.run([fake, "machine", "ls", "--json"], { env });
    expect(JSON.parse(empty.stdout)).toEqual([]);
    const missing = await processRunner.run([fake, "machine", "delete", "--name", "nope", "-f"], { check: false, env });
    expect(missing).toMatchObject({ exitCode: 1, stderr: "Error: machine 'nope' not found\n" });
  });
});
