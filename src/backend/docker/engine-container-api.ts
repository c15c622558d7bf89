import * as v from "valibot";
import { BottleError } from "../../core/errors.ts";
import { engineAnswer, type EngineApi } from "./engine-query.ts";

/** A container name as docker allows it: a path segment the API takes as it is. */
const CONTAINER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function containerPath(name: string): string {
  if (!CONTAINER_NAME.test(name)) throw new BottleError(`not a container name: ${name}`);
  return `/containers/${name}`;
}

/** `GET /containers/{name}/json`: its address on each network (Docker 20.10.24, API 1.41). */
const Inspected = v.looseObject({
  NetworkSettings: v.looseObject({ Networks: v.nullish(v.record(v.string(), v.looseObject({ IPAddress: v.optional(v.string()) })), {}) }),
});

/** A container's address on each of its networks, as `docker inspect` prints `.NetworkSettings.Networks`. */
export async function apiContainerNetworks(api: EngineApi, name: string): Promise<Record<string, { IPAddress?: string | undefined }>> {
  return (await engineAnswer(api, `${containerPath(name)}/json`, Inspected)).NetworkSettings.Networks;
}

/** What one exec left: its exit code and its output, by stream. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** `POST /containers/{name}/exec` answers 201 with the exec's id. */
const Created = v.looseObject({ Id: v.pipe(v.string(), v.regex(/^[0-9a-f]+$/)) });
/** `GET /exec/{id}/json`: `ExitCode` is null while it runs. */
const Finished = v.looseObject({ Running: v.boolean(), ExitCode: v.nullish(v.number(), null) });

/**
 * The output of a non-TTY exec by stream: frames of an 8-byte header (stream 1 or 2,
 * 0, 0, 0, size big endian) and the bytes, read back from the text `fetch` decoded
 * (exact for ASCII, which is what the scripts bottle runs print).
 */
function demultiplexed(stream: string): { stdout: string; stderr: string } {
  const out = { stdout: "", stderr: "" };
  for (let at = 0; at + 8 <= stream.length; ) {
    const size = [4, 5, 6, 7].reduce((sum, offset) => sum * 256 + (stream.charCodeAt(at + offset) & 0xff), 0);
    out[stream.charCodeAt(at) === 2 ? "stderr" : "stdout"] += stream.slice(at + 8, at + 8 + size);
    at += 8 + size;
  }
  return out;
}

/**
 * Runs a command in a running container through the engine's API, as `docker exec`
 * does, and waits for it to end: no docker CLI to start, which is most of a short
 * exec's time. Without stdin (the API takes it only on a hijacked connection): input
 * travels in `env`, and only values that are not secret (a CA certificate). Throws
 * when the engine cannot be asked; a command that fails is an exit code, not a throw.
 */
export async function apiExec(api: EngineApi, container: string, options: { cmd: string[]; user?: string; env?: Record<string, string> }): Promise<ExecResult> {
  const env = Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${value}`);
  const created = await engineAnswer(
    api,
    `${containerPath(container)}/exec`,
    Created,
    { method: "POST", status: 201, json: { Cmd: options.cmd, Env: env, AttachStdout: true, AttachStderr: true, ...(options.user === undefined ? {} : { User: options.user }) } },
  );
  // The answer streams until the command ends (Docker 20.10: the connection closes then).
  const output = await engineAnswer(api, `/exec/${created.Id}/start`, v.unknown(), { method: "POST", json: { Detach: false, Tty: false } });
  for (let attempt = 0; attempt < 50; attempt++) {
    const state = await engineAnswer(api, `/exec/${created.Id}/json`, Finished);
    if (!state.Running && state.ExitCode !== null) return { exitCode: state.ExitCode, ...demultiplexed(typeof output === "string" ? output : "") };
    await Bun.sleep(10);
  }
  throw new BottleError(`the exec in ${container} did not end after its output did`);
}

/** Joins a running container to a network, as `docker network connect NETWORK CONTAINER` does. */
export async function apiNetworkConnect(api: EngineApi, network: string, container: string): Promise<void> {
  if (!CONTAINER_NAME.test(network)) throw new BottleError(`not a network name: ${network}`);
  containerPath(container);
  await engineAnswer(api, `/networks/${network}/connect`, v.unknown(), { method: "POST", json: { Container: container } });
}

/** A command's stdout by {@link apiExec}, or undefined when the engine could not run it or it failed (the caller then uses `docker exec`). */
export async function execStdout(api: EngineApi, container: string, argv: string[], user: string): Promise<string | undefined> {
  const ran = await apiExec(api, container, { cmd: argv, ...(user === "" ? {} : { user }) }).catch(() => undefined);
  return ran?.exitCode === 0 ? ran.stdout : undefined;
}
