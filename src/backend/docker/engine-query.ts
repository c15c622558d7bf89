import * as v from "valibot";
import { BottleError } from "../../core/errors.ts";
import type { SocketGet } from "../../core/socket-get.ts";

/** The local engine's API on its socket, and the signal that bounds its questions. */
export interface EngineApi {
  get: SocketGet;
  socket: string;
  signal?: AbortSignal | undefined;
}

/**
 * The engine's answer to one GET, validated by `schema`; anything else is an error
 * (the caller then asks the CLI). `missing` lists statuses that are an answer too (an
 * image the engine lacks is a 404): they give undefined.
 */
export async function engineQuery<T extends v.GenericSchema>(
  api: EngineApi,
  path: string,
  schema: T,
  missing: readonly number[] = [],
): Promise<v.InferOutput<T> | undefined> {
  const answer = await api.get(api.socket, path, api.signal === undefined ? {} : { signal: api.signal });
  const route = path.split("?")[0];
  if (missing.includes(answer.status)) return undefined;
  if (answer.status !== 200) throw new BottleError(`the engine answered ${route} with ${answer.status}`);
  const parsed = v.safeParse(schema, answer.body);
  if (!parsed.success) throw new BottleError(`the engine's answer to ${route} is not what bottle reads: ${parsed.issues[0].message}`);
  return parsed.output;
}

/** Like {@link engineQuery}, for a question whose every answer is a 200. */
export async function engineAnswer<T extends v.GenericSchema>(api: EngineApi, path: string, schema: T): Promise<v.InferOutput<T>> {
  return (await engineQuery(api, path, schema))!;
}
