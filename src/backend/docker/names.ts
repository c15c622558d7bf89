import { BottleError } from "../../core/errors.ts";

/** Every engine object a Docker bottle creates, by name. */
export interface DockerNames {
  agent: string;
  gate: string;
  internal: string;
  egress: string;
  workspace: string;
  /** The agent user's home: a volume of its own, kept with the workspace. */
  home: string;
}

/**
 * Names a bottle's objects after its identity. `BOTTLE_CONTAINER` pins the agent's
 * container name (scripts that `docker exec` into it); a pinned name already in use is
 * an error, since silently picking another would break those scripts. An unpinned name
 * that is taken (a stale object of the same identity) gets the first free `-2`, `-3`….
 */
export function dockerNames(identity: string, options: { pinnedAgent?: string | undefined; taken: ReadonlySet<string> }): DockerNames {
  // BOTTLE_CONTAINER is checked by the settings schema (core/settings.ts); only whether it is taken is left.
  const free = (base: string): string => {
    if (!options.taken.has(base)) return base;
    for (let n = 2; ; n++) if (!options.taken.has(`${base}-${n}`)) return `${base}-${n}`;
  };
  const pinned = options.pinnedAgent;
  if (pinned !== undefined && pinned !== "") {
    if (options.taken.has(pinned)) {
      throw new BottleError(`BOTTLE_CONTAINER=${pinned}: a container with that name already exists`, {
        hint: `remove it (\`docker rm -f ${pinned}\`), or unset BOTTLE_CONTAINER to let bottle name the container`,
      });
    }
  }
  return {
    agent: pinned || free(`${identity}-agent`),
    gate: free(`${identity}-gate`),
    internal: `${identity}-internal`,
    egress: `${identity}-egress`,
    workspace: `${identity}-workspace`,
    home: `${identity}-home`,
  };
}
