import { expect, test } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../../../src/cli/main.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { writeJson, writePrivateFile } from "../../../../src/core/state.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";
import { collector } from "../context.ts";

const at = (h: number, m: number, s: number) => new Date(2026, 11, 1, h, m, s).toISOString();
const ENTRIES = [
  { time: at(12, 3, 4), client: "10.0.0.3:40000", method: "CONNECT", host: "example.com:443", path: "", decision: "block", reason: "not-allowed", status: 403, bytes_up: 0, bytes_down: 0, duration_ms: 0 },
  { time: at(12, 3, 5), client: "10.0.0.3:40002", method: "CONNECT", host: "registry.npmjs.org:443", path: "", decision: "allow", status: 200, bytes_up: 10, bytes_down: 20, duration_ms: 30 },
];

/** A stopped bottle (state only, no engine objects) whose gate left an audit file behind. */
async function logs(args: string[], entries: readonly object[] = ENTRIES) {
  const root = await mkdtemp(join(tmpdir(), "bottle-logs-"));
  const env = { XDG_STATE_HOME: join(root, "state"), HOME: root };
  const paths = bottlePaths(env);
  const id = "bbtest-aaaaaaaa";
  await writeJson(join(paths.bottleState(id), "metadata.json"), { identity: id, backend: "docker", agent: "bbtest", createdAt: at(12, 0, 0), spec: { bottleName: "web" } });
  await writeJson(join(paths.bottleState(id), "docker.json"), {});
  await writePrivateFile(paths.gateAuditLog(id), entries.map((entry) => `${JSON.stringify(entry)}\n`).join(""));
  const { runner, calls } = recordingRunner([{ match: /^smolvm/, stdout: "[]" }]);
  const stdout = collector();
  const stderr = collector();
  const code = await main(["logs", ...args.map((arg) => (arg === "ID" ? id : arg))], env, { cwd: root, stdout, stderr, runner, interactive: false });
  return { code, stdout: stdout.text(), stderr: stderr.text(), calls };
}

test("--gate reads the audit file from the state folder (the gate may be long gone) to stdout, as people read it", async () => {
  const { code, stdout, stderr, calls } = await logs(["--gate", "ID"]);
  expect(code).toBe(0);
  expect(stdout).toBe(
    "12:03:04 403 CONNECT example.com:443 not-allowed — allow it in bottles.web.egress.allow\n12:03:05 200 CONNECT registry.npmjs.org:443\n",
  );
  expect(stderr).toBe("");
  expect(calls).toEqual([]);
});

test("--blocked keeps only refusals; --json keeps the lines as written", async () => {
  expect((await logs(["--gate", "--blocked", "aaaa"])).stdout).toBe("12:03:04 403 CONNECT example.com:443 not-allowed — allow it in bottles.web.egress.allow\n");
  expect((await logs(["--gate", "--json", "ID"])).stdout).toBe(ENTRIES.map((entry) => `${JSON.stringify(entry)}\n`).join(""));
  expect((await logs(["--gate", "--json", "--blocked", "ID"])).stdout).toBe(`${JSON.stringify(ENTRIES[0])}\n`);
});

test("an empty answer says so on stderr, keeping stdout for the log", async () => {
  const none = await logs(["--gate", "--blocked", "ID"], ENTRIES.slice(1));
  expect(none.stdout).toBe("");
  expect(none.stderr).toBe("note: no refusals in bbtest-aaaaaaaa's audit log yet (one line per request through its gate)\n");
  expect((await logs(["--gate", "ID"], [])).stderr).toContain("no decisions in");
  expect((await logs(["--gate", "--blocked", "ID"])).stderr).toBe("");
});

test("--blocked and --json without --gate are usage errors", async () => {
  expect((await logs(["--blocked", "ID"])).code).toBe(2);
  expect((await logs(["--json", "ID"])).code).toBe(2);
});

test("--follow on a stopped bottle prints the log so far and returns: nothing more can be written to it", async () => {
  // Before, it waited for lines forever (a newcomer's run ended it with `timeout`).
  const { code, stdout, stderr } = await Promise.race([
    logs(["--gate", "--follow", "ID"]),
    Bun.sleep(10_000).then(() => ({ code: -1, stdout: "", stderr: "still following after 10 s" })),
  ]);
  expect(code).toBe(0);
  expect(stdout).toContain("12:03:05 200 CONNECT registry.npmjs.org:443\n");
  expect(stderr).toBe("note: bbtest-aaaaaaaa is not running: its log so far, not followed\n");
});
