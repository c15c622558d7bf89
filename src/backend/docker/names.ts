import { BottleError } from "../../core/errors.ts";

/** Every engine object a Docker bottle creates, by name. */
export interface DockerNames {
  agent: string;
  gate: string;
  internal: string;
  egress: string;
  workspace: string;
}

/**
 * Names a bottle's objects after its identity. `BOTTLE_CONTAINER` pins the agent's
 * container name (scripts that `docker exec` into it); a pinned name already in use is
 * an error, since silently picking another would break those scripts. An unpinned name
 * that is taken (a stale object of the same identity) gets the first free `-2`, `-3`….
 */
export function dockerNames(identity: string, options: { pinnedAgent?: string | undefined; taken: ReadonlySet<string> }): DockerNames {
  const free = (base: string): string => {
    if (!options.taken.has(base)) return base;
    for (let n = 2; ; n++) if (!options.taken.has(`${base}-${n}`)) return `${base}-${n}`;
  };
  const pinned = options.pinnedAgent;
  if (pinned !== undefined && pinned !== "") {
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(pinned)) {
      throw new BottleError(`BOTTLE_CONTAINER=${pinned} is not a valid container name`, {
        hint: "use letters, digits, '_', '.' and '-', starting with a letter or digit",
      });
    }
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
  };
}
