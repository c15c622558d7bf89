import { describe, expect, test } from "bun:test";
import type { EngineApi } from "../../../../src/backend/docker/engine-query.ts";
import { installCaByApi } from "../../../../src/backend/docker/install-ca-by-api.ts";
import { BottleError } from "../../../../src/core/errors.ts";
import { processRunner } from "../../../../src/core/runner.ts";
import type { SocketAnswer, SocketGetOptions } from "../../../../src/core/socket-get.ts";
import { INSTALL_CA_SCRIPT } from "../../../../src/gate/tls/agent-trust.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBfakeCA+/=\nline2\n-----END CERTIFICATE-----\n";
const ID = "abc123";

/** An engine whose exec of `Cmd` answers `exitCode` and `output`; records the exec it was asked to make. */
function engine(exec: { exitCode: number; output?: string } | Error) {
  const made: { Cmd: string[]; Env: string[]; User?: string }[] = [];
  const api: EngineApi = {
    socket: "/var/run/docker.sock",
    context: "default",
    get: async (_socket, path, options: SocketGetOptions = {}): Promise<SocketAnswer> => {
      if (exec instanceof Error) throw exec;
      if (path.endsWith("/exec") && options.method === "POST") {
        made.push(options.json as (typeof made)[number]);
        return { status: 201, body: { Id: ID } };
      }
      const text = exec.output ?? "";
      if (path.endsWith("/start")) return { status: 200, body: text === "" ? "" : String.fromCharCode(2, 0, 0, 0, 0, 0, 0, text.length) + text };
      return { status: 200, body: { Running: false, ExitCode: exec.exitCode } };
    },
  };
  return { api, made };
}

describe("installCaByApi: the gate's CA into the agent by the engine's exec", () => {
  test("the install script runs as root with the PEM in its env; no docker CLI", async () => {
    const { api, made } = engine({ exitCode: 0 });
    const { runner, calls } = recordingRunner();
    await installCaByApi(api, runner, "b-agent", PEM);
    expect(calls).toEqual([]);
    expect(made).toHaveLength(1);
    expect(made[0]!.User).toBe("0");
    expect(made[0]!.Cmd.at(-1)).toBe(INSTALL_CA_SCRIPT);
    expect(made[0]!.Env).toEqual([`BOTTLE_GATE_CA=${PEM}`]);
  });

  test("the wrapper hands the script exactly the PEM on its stdin, as `docker exec --interactive` does", async () => {
    const { api, made } = engine({ exitCode: 0 });
    await installCaByApi(api, recordingRunner().runner, "b-agent", PEM);
    // The same command with `cat` in the script's place, in a real sh, with the exec's env.
    const [sh, flag, wrapper, name] = made[0]!.Cmd;
    const env = Object.fromEntries(made[0]!.Env.map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]));
    const ran = await processRunner.run([sh!, flag!, wrapper!, name!, "cat"], { env });
    expect(ran.stdout).toBe(PEM);
  });

  test("an engine that cannot be asked this way: `docker exec` with the PEM on stdin, never on argv", async () => {
    const { api } = engine(new Error("connect EACCES /var/run/docker.sock"));
    const { runner, calls } = recordingRunner();
    await installCaByApi(api, runner, "b-agent", PEM);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.argv).toEqual(["docker", "exec", "--interactive", "--user", "0", "b-agent", "sh", "-c", INSTALL_CA_SCRIPT]);
    expect(calls[0]!.options.stdin).toBe(PEM);
  });

  test("a script that fails is an error naming the agent and its last line, and is not run again by the CLI", async () => {
    const { api } = engine({ exitCode: 1, output: "sh: can't create /usr/local/share/ca-certificates/bottle-gate.crt: Read-only file system\n" });
    const { runner, calls } = recordingRunner();
    const error = await installCaByApi(api, runner, "b-agent", PEM).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BottleError);
    expect((error as BottleError).message).toBe("installing the gate's CA certificate in b-agent failed (exit 1: sh: can't create /usr/local/share/ca-certificates/bottle-gate.crt: Read-only file system)");
    expect(calls).toEqual([]);
  });
});
