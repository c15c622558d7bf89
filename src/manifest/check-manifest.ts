import { locate, type Problem, type SourceDocument } from "../core/config-file.ts";
import { parseCidr } from "../gate/egress/address.ts";
import { parseUpstream } from "../gate/services/git/parse-upstream.ts";

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function entries(value: unknown): [string, unknown][] {
  return isMapping(value) ? Object.entries(value) : [];
}

/**
 * The rules a schema cannot say: references between agents and bottles, uniqueness
 * across list items, one Claude route per bottle, CIDR blocks, `prompt` vs
 * `prompt_file`. Works on the raw data so that these problems are reported together
 * with the schema's, even when other parts are malformed.
 */
export function checkManifest(source: SourceDocument): Problem[] {
  const problems: Problem[] = [];
  const at = (path: (string | number)[], message: string, where: "key" | "value" = "value") =>
    problems.push({ file: source.file, ...locate(source, path, where), message });
  const data = source.data;
  if (!isMapping(data)) return problems;
  const bottles = isMapping(data.bottles) ? data.bottles : {};

  if (isMapping(data.agents) && Object.keys(data.agents).length === 0) {
    at(["agents"], "no agents: define at least one under `agents`");
  }
  for (const [name, agent] of entries(data.agents)) {
    if (!isMapping(agent)) continue;
    const bottle = agent.bottle;
    // `default` always exists: when the manifest omits it, the built-in default bottle serves.
    if (typeof bottle === "string" && bottle !== "default" && !Object.hasOwn(bottles, bottle)) {
      const known = ["default", ...Object.keys(bottles).filter((known) => known !== "default")].join(", ");
      at(["agents", name, "bottle"], `agent "${name}" uses bottle "${bottle}", which is not defined under \`bottles\` (known: ${known})`);
    }
    if (agent.prompt !== undefined && agent.prompt_file !== undefined) {
      at(["agents", name, "prompt_file"], "set `prompt` or `prompt_file`, not both", "key");
    }
  }

  for (const [name, bottle] of entries(bottles)) {
    if (!isMapping(bottle)) continue;
    const egress = isMapping(bottle.egress) ? bottle.egress : {};
    // The gate refuses a bad CIDR at startup; say so now, at the line that has it.
    (Array.isArray(egress.allow_cidrs) ? egress.allow_cidrs : []).forEach((cidr: unknown, index) => {
      if (typeof cidr === "string" && parseCidr(cidr) === undefined) {
        at(["bottles", name, "egress", "allow_cidrs", index], `not a CIDR block: "${cidr}" (such as 10.0.0.0/8 or fd00::/8)`);
      }
    });
    const routes = Array.isArray(egress.routes) ? egress.routes : [];
    const routeNames = new Map<string, number>();
    let claude: { index: number; name: unknown } | undefined;
    routes.forEach((route: unknown, index) => {
      if (!isMapping(route)) return;
      const path = ["bottles", name, "egress", "routes", index];
      if (typeof route.name === "string") {
        const first = routeNames.get(route.name);
        if (first !== undefined) {
          const line = locate(source, [...path.slice(0, -1), first, "name"]).line;
          at([...path, "name"], `duplicate route name "${route.name}" in bottle "${name}" (first at line ${line})`);
        } else routeNames.set(route.name, index);
      }
      const roles = Array.isArray(route.roles) ? route.roles : [];
      const role = roles.indexOf("claude_code_oauth");
      if (role === -1) return;
      if (claude === undefined) claude = { index, name: route.name };
      else {
        const line = locate(source, [...path.slice(0, -1), claude.index]).line;
        at([...path, "roles", role], `a second route with role claude_code_oauth in bottle "${name}" (the first is at line ${line}); a bottle has at most one`);
      }
    });
    const repos = Array.isArray(bottle.git) ? bottle.git : [];
    const repoNames = new Map<string, number>();
    repos.forEach((repo: unknown, index) => {
      if (isMapping(repo) && typeof repo.upstream === "string" && repo.upstream !== "") {
        const parsed = parseUpstream(repo.upstream);
        // A relative path is the manifest folder's; the CLI makes it absolute for the gate.
        if (!parsed.ok && !/^\.{1,2}\//.test(repo.upstream)) at(["bottles", name, "git", index, "upstream"], parsed.message);
      }
      if (!isMapping(repo) || typeof repo.name !== "string") return;
      const first = repoNames.get(repo.name);
      if (first === undefined) return void repoNames.set(repo.name, index);
      const line = locate(source, ["bottles", name, "git", first, "name"]).line;
      at(["bottles", name, "git", index, "name"], `duplicate git repo name "${repo.name}" in bottle "${name}" (first at line ${line})`);
    });
  }
  return problems;
}
