import * as v from "valibot";
import { LABEL } from "../../core/labels.ts";
import type { SocketGet } from "../../core/socket-get.ts";
import type { EngineObject } from "./engine-objects.ts";
import { engineAnswer, type EngineApi } from "./engine-query.ts";

const Labels = v.nullish(v.record(v.string(), v.string()), {});

/** `GET /containers/json`: the fields bottle reads of each container (read on Docker 20.10.24, API 1.41). */
const Containers = v.array(v.looseObject({ Names: v.array(v.string()), Labels, State: v.string() }));
/** `GET /networks`. */
const Networks = v.array(v.looseObject({ Name: v.string(), Labels }));
/** `GET /volumes`: `Volumes` is null when there are none (Docker 20.10). */
const Volumes = v.looseObject({ Volumes: v.nullish(v.array(v.looseObject({ Name: v.string(), Labels })), []) });

/** A container's name as `docker ps` prints it: the one without a `/` once the leading one is gone (others are legacy links). */
function containerName(names: readonly string[]): string {
  const plain = names.map((name) => name.replace(/^\//, ""));
  return plain.find((name) => !name.includes("/")) ?? plain[0] ?? "";
}

/**
 * What {@link findEngineObjects} finds, asked of the Engine API on its socket instead
 * of the docker CLI: the same label filters, the same rows. Paths carry no API version,
 * so the engine answers in its own (Docker 29 refuses clients older than 1.44; the
 * fields read here are the same from 1.24 on). Throws when the engine cannot be asked
 * or answers something else.
 */
export async function apiEngineObjects(
  get: SocketGet,
  socket: string,
  owner: string,
  identity: string | undefined,
  kinds: readonly EngineObject["kind"][],
  signal?: AbortSignal,
): Promise<EngineObject[]> {
  const filters = encodeURIComponent(
    JSON.stringify({ label: [`${LABEL.owner}=${owner}`, identity === undefined ? LABEL.identity : `${LABEL.identity}=${identity}`] }),
  );
  const row = (kind: EngineObject["kind"], name: string, labels: Record<string, string>, state = ""): EngineObject => ({
    kind,
    name,
    identity: labels[LABEL.identity] ?? "",
    role: labels[LABEL.role] ?? "",
    state,
  });
  const api: EngineApi = { get, socket, context: "", signal };
  const ask: Record<EngineObject["kind"], () => Promise<EngineObject[]>> = {
    container: async () =>
      (await engineAnswer(api, `/containers/json?all=1&filters=${filters}`, Containers)).map((c) => row("container", containerName(c.Names), c.Labels, c.State)),
    network: async () => (await engineAnswer(api, `/networks?filters=${filters}`, Networks)).map((n) => row("network", n.Name, n.Labels)),
    volume: async () => (await engineAnswer(api, `/volumes?filters=${filters}`, Volumes)).Volumes.map((volume) => row("volume", volume.Name, volume.Labels)),
  };
  return (await Promise.all(kinds.map((kind) => ask[kind]()))).flat();
}
