import { describe, expect, test } from "bun:test";
import { waitForGate } from "../../../../src/backend/gate-runtime/wait-for-gate.ts";
import { BottleError } from "../../../../src/core/errors.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";

describe("waitForGate", () => {
  test("a gate that never answers: the error names the address polled, and its log lines come first", async () => {
    // A loopback address nothing listens on: the probe is a real GET that is refused.
    const address = "127.254.253.252";
    const { runner, calls } = recordingRunner([
      { match: /^docker inspect --format \{\{json \.NetworkSettings\.Networks\}\}/, stdout: JSON.stringify({ "x-egress": { IPAddress: address } }) },
      { match: /^docker inspect --format \{\{\.State\.Running\}\}/, stdout: "true" },
      { match: /^docker logs/, stdout: "gate: listening on 0.0.0.0:8080\n", stderr: "gate: bad egress rule\n" },
    ]);
    const logged: string[] = [];
    const error = await waitForGate(runner, { gate: "x-gate", network: "x-egress", port: 8080, deadlineMs: 300, log: (line) => logged.push(line) }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BottleError);
    expect((error as BottleError).message).toBe(`the gate x-gate did not become ready (GET http://${address}:8080/healthz)`);
    expect(logged.join("\n")).toContain("gate: bad egress rule");
    // The logs were read before anything could remove the container: the last call is `docker logs`.
    expect(calls.at(-1)?.argv.slice(0, 2)).toEqual(["docker", "logs"]);
  });

  test("a gate with no address (it exited at once) says so instead of polling nothing", async () => {
    const { runner } = recordingRunner([{ match: /^docker inspect/, stdout: "{}" }]);
    const error = await waitForGate(runner, { gate: "x-gate", network: "x-egress", port: 8080, deadlineMs: 300, log: () => {} }).catch((caught: unknown) => caught);
    expect((error as BottleError).message).toContain("it has no address on network x-egress");
  });
});
