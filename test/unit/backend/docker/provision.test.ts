import { describe, expect, test } from "bun:test";
import { provision } from "../../../../src/backend/docker/provision.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";

const WHO = "1000\n1000\n/home/agent\n\n";

describe("provision runs its commands in the agent by the engine's exec when it is handed one", () => {
  test("whom it runs as, and the root commands, go to that exec; nothing to the docker CLI", async () => {
    const { runner, calls } = recordingRunner();
    const ran: { argv: string[]; user: string }[] = [];
    const exec = async (argv: string[], user: string) => (ran.push({ argv, user }), argv[2]?.startsWith("id -u") ? WHO : "");
    const result = await provision(runner, { agent: "b-agent", user: "agent", copyFrom: undefined, skills: [], claude: true, exec });
    expect(result).toEqual({ hasHistory: false });
    expect(calls).toEqual([]);
    expect(ran.map((call) => call.user)).toEqual(["agent", "0", "0"]);
    // Claude's first-run state and the home's owner, as root, from the uid the first exec printed.
    expect(ran.at(-1)!.argv.join(" ")).toContain('chown 1000:1000 "/home/agent"');
  });

  test("an exec that could not run a command (undefined): `docker exec` runs it, as the image's user", async () => {
    const { runner, calls } = recordingRunner([{ match: /^docker exec --user agent b-agent sh -c id -u/, stdout: WHO }]);
    await provision(runner, { agent: "b-agent", user: "agent", copyFrom: undefined, skills: [], claude: false, exec: async () => undefined });
    expect(calls.map((call) => call.argv.slice(0, 6).join(" "))).toEqual(["docker exec --user agent b-agent sh", "docker exec --user 0 b-agent chown"]);
  });

  test("without an exec (a remote engine, a recorder): the docker CLI, the image's user left to the image when it names none", async () => {
    const { runner, calls } = recordingRunner([{ match: /id -u/, stdout: "0\n0\n/root\nhistory\n" }]);
    expect(await provision(runner, { agent: "b-agent", user: "", copyFrom: undefined, skills: [], claude: false })).toEqual({ hasHistory: true });
    expect(calls.map((call) => call.argv.slice(0, 4).join(" "))).toEqual(["docker exec b-agent sh"]);
  });
});
