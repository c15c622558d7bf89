import { existsSync } from "node:fs";
import { join } from "node:path";
import { backendNames, defaultBackendName, selectBackend } from "../backend/select.ts";
import type { Backend, BackendDeps, BottleMetadata, BottleSummary } from "../backend/types.ts";
import { BottleError, UsageError } from "../core/errors.ts";
import { NAME_PATTERN } from "../core/identity.ts";
import { readJson } from "../core/state.ts";
import { DEFAULT_BACKEND } from "./backend-name.ts";

/** A bottle the command line named, with the backend it runs on. */
export interface NamedBottle {
  identity: string;
  backend: Backend;
  metadata: BottleMetadata | undefined;
  /** As `bottle list` shows it; undefined when found by its state folder alone (no engine query). */
  status: BottleSummary["status"] | undefined;
}

/** The longest ID accepted: an agent name (40) and a `--name` (40) with their dash, with room. */
const MAX_ID = 100;

/**
 * Checks what a person typed as an ID before it touches a path: the characters of an
 * identity only (no `/`, no leading `.`), so `../../etc` can never reach the state folder.
 */
export function checkIdWord(word: string): string {
  if (word.length === 0 || word.length > MAX_ID || !NAME_PATTERN.test(word)) {
    throw new UsageError(`not a bottle ID: ${JSON.stringify(word)}`, "IDs are lowercase letters, digits, '.', '_' and '-'; `bottle list` shows them");
  }
  return word;
}

/** The part of an identity after its agent's name: the random suffix, or the `--name`. */
function suffix(bottle: BottleSummary): string {
  return bottle.identity.startsWith(`${bottle.agent}-`) ? bottle.identity.slice(bottle.agent.length + 1) : bottle.identity;
}

/** Every bottle every backend knows about. */
export async function allBottles(deps: BackendDeps): Promise<BottleSummary[]> {
  const lists = await Promise.all(backendNames().map((name) => selectBackend(name).list(deps)));
  return lists.flat();
}

/**
 * The bottle a word names: its whole identity, or a prefix of it or of its suffix
 * (`bottle attach 6r5k` for `claude-6r5kq2ab`) that only one bottle has. None is an
 * error; several are a usage error listing them.
 */
export async function resolveBottleId(deps: BackendDeps, word: string, known?: BottleSummary[]): Promise<NamedBottle> {
  checkIdWord(word);
  const stateDir = deps.paths.bottleState(word);
  // A whole identity with state needs no engine query.
  if (known === undefined && existsSync(join(stateDir, "metadata.json"))) {
    const metadata = await readJson<BottleMetadata>(join(stateDir, "metadata.json"));
    return { identity: word, backend: selectBackend(metadata?.backend ?? DEFAULT_BACKEND), metadata, status: undefined };
  }
  const bottles = known ?? (await allBottles(deps));
  const exact = bottles.find((bottle) => bottle.identity === word);
  const matches = exact === undefined ? bottles.filter((bottle) => bottle.identity.startsWith(word) || suffix(bottle).startsWith(word)) : [exact];
  if (matches.length === 0) throw new BottleError(`no bottle ${word}`, { hint: "`bottle list` shows the bottles there are" });
  if (matches.length > 1) {
    throw new UsageError(`${word} matches ${matches.length} bottles: ${matches.map((bottle) => bottle.identity).join(", ")}`, "type more of the ID");
  }
  const [found] = matches as [BottleSummary];
  const metadata = await readJson<BottleMetadata>(join(deps.paths.bottleState(found.identity), "metadata.json"));
  return { identity: found.identity, backend: selectBackend(found.backend), metadata, status: found.status };
}

/** Every word resolved (one listing for all of them); a word naming the same bottle twice counts once. */
export async function resolveBottleIds(deps: BackendDeps, words: readonly string[]): Promise<NamedBottle[]> {
  words.forEach(checkIdWord);
  const known = await allBottles(deps);
  const named: NamedBottle[] = [];
  for (const word of words) {
    const bottle = await resolveBottleId(deps, word, known);
    if (!named.some((other) => other.identity === bottle.identity)) named.push(bottle);
  }
  return named;
}

/** The one `ID` positional a command takes, or a usage error naming the command. */
export function oneIdWord(positionals: readonly string[], command: string): string {
  const word = positionals[0];
  if (word === undefined || word === "") {
    throw new UsageError(`\`bottle ${command}\` needs a bottle's ID`, "`bottle list` shows them; a unique prefix will do");
  }
  return word;
}
