import * as v from "valibot";
import { BottleError } from "../../core/errors.ts";
import type { SocketGet } from "../../core/socket-get.ts";
import type { BackendDeps } from "../types.ts";
import { engineEndpoint } from "./engine-socket.ts";

/** The local engine's API on its socket, and the signal that bounds its questions. */
export interface EngineApi {
  get: SocketGet;
  socket: string;
  /** The docker context that chose the socket (`default` for DOCKER_HOST or none). */
  context: string;
  signal?: AbortSignal | undefined;
}

/**
 * The engine's API when a backend may ask it: the caller can ask sockets (the real
 * CLI; a test's recorder cannot) and the engine is a local one the docker CLI would
 * reach on a unix socket. Undefined means: use the docker CLI.
 */
export function engineApi(deps: Pick<BackendDeps, "socketGet" | "env" | "signal">): EngineApi | undefined {
  const endpoint = deps.socketGet === undefined ? undefined : engineEndpoint(deps.env);
  if (endpoint === undefined) return undefined;
  return { get: deps.socketGet!, socket: endpoint.socket, context: endpoint.context, signal: deps.signal };
}

/** How one request is made and which answers it takes. */
export interface EngineQueryOptions {
  /** By default, GET. */
  method?: "GET" | "POST";
  json?: unknown;
  /** By default, 200: the status of an answer (a POST that makes something answers 201). */
  status?: number;
  /** Statuses that are an answer too (an image the engine lacks is a 404): they give undefined. */
  missing?: readonly number[];
}

/**
 * The engine's answer to one request, validated by `schema`; anything else is an
 * error (the caller then asks the CLI, or says what failed).
 */
export async function engineQuery<T extends v.GenericSchema>(api: EngineApi, path: string, schema: T, options: EngineQueryOptions = {}): Promise<v.InferOutput<T> | undefined> {
  const answer = await api.get(api.socket, path, {
    ...(api.signal === undefined ? {} : { signal: api.signal }),
    ...(options.method === undefined ? {} : { method: options.method }),
    ...(options.json === undefined ? {} : { json: options.json }),
  });
  const route = path.split("?")[0];
  if (options.missing?.includes(answer.status)) return undefined;
  if (answer.status !== (options.status ?? 200)) throw new BottleError(`the engine answered ${route} with ${answer.status}`);
  const parsed = v.safeParse(schema, answer.body);
  if (!parsed.success) throw new BottleError(`the engine's answer to ${route} is not what bottle reads: ${parsed.issues[0].message}`);
  return parsed.output;
}

/** Like {@link engineQuery}, for a request whose every answer is the expected status. */
export async function engineAnswer<T extends v.GenericSchema>(api: EngineApi, path: string, schema: T, options: Omit<EngineQueryOptions, "missing"> = {}): Promise<v.InferOutput<T>> {
  return (await engineQuery(api, path, schema, options))!;
}
