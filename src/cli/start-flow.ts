import { backendNames, selectBackend } from "../backend/select.ts";
import type { StartSpec } from "../backend/types.ts";
import { UsageError } from "../core/errors.ts";
import { loadManifest, type LoadedManifest } from "../manifest/load.ts";
import { agentNames, requireRouteSecrets, resolveStart } from "../manifest/resolve.ts";
import { backendDeps } from "./backend-deps.ts";
import { parseBackendFlag, type BackendName } from "./backend-name.ts";
import type { CommandContext } from "./context.ts";
import { planView } from "./plan-view.ts";
import { askQuestion } from "./picker/ask-question.ts";
import { confirmStart } from "./picker/confirm-start.ts";
import { decideStart, type AgentChoice, type BackendChoice, type PromptMode, type StartAnswers, type StartFlags } from "./picker/decide.ts";
import { terminalIO, type PromptIO } from "./picker/prompt.ts";

/** What the start flow settled on: the manifest, the resolved spec and the backend to run it on. */
export interface StartChoices {
  loaded: LoadedManifest;
  spec: StartSpec;
  backend: BackendName;
}

/** Options of {@link resolveStartChoices}; by default, prompts use the real terminal. */
export interface StartFlowOptions {
  io?: PromptIO;
  /** By default, each backend's own `availability` probe (tests hand in answers). */
  backendChoices?: () => Promise<BackendChoice[]>;
}

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/** Reads the start flow's flags from the context, validated at the edge. */
export function readStartFlags(context: CommandContext): StartFlags {
  const { flags } = context;
  if (flags.cwd === true && flags["no-cwd"] === true) {
    throw new UsageError("--cwd and --no-cwd contradict each other", "pass one of them");
  }
  const agent = context.positionals[0];
  const backend = parseBackendFlag(flags.backend);
  const copyCwd = flags.cwd === true ? true : flags["no-cwd"] === true ? false : undefined;
  return {
    ...(agent === undefined ? {} : { agent }),
    ...(backend === undefined ? {} : { backend }),
    ...(copyCwd === undefined ? {} : { copyCwd }),
    yes: flags.yes === true,
    dryRun: flags["dry-run"] === true,
  };
}

/**
 * How this run may talk to a person: the full picker for `bottle` alone on a terminal,
 * only unavoidable questions for a command on a terminal, and never without a TTY, with
 * `CI` set (`context.interactive`) or with `--json` (stdout belongs to the JSON).
 */
export function promptMode(context: CommandContext): PromptMode {
  if (!context.interactive || context.flags.json === true) return "none";
  return context.flags.picker === true ? "picker" : "terminal";
}

function agentChoices(loaded: LoadedManifest): AgentChoice[] {
  return agentNames(loaded).map((name) => {
    const command = loaded.manifest.agents[name]?.command;
    return command === undefined ? { name } : { name, hint: command.join(" ") };
  });
}

/**
 * The start flow up to the plan, shared by `bottle`, `bottle start` and `bottle plan`:
 * loads the manifest, settles agent, backend and workspace from the flags (asking a
 * person where allowed, see {@link promptMode}), resolves the StartSpec and, in the
 * picker, has the person confirm a summary. Launching is the caller's business.
 */
export async function resolveStartChoices(context: CommandContext, options: StartFlowOptions = {}): Promise<StartChoices> {
  const flags = readStartFlags(context);
  const loaded = await loadManifest({ flag: text(context.flags.manifest), env: context.env, cwd: context.cwd });
  const mode = promptMode(context);
  const io = options.io ?? terminalIO(context.signal);
  const agents = agentChoices(loaded);
  // Only the picker asks for a backend, and only then are the backends probed.
  const backends = mode === "picker" && flags.backend === undefined ? await (options.backendChoices ?? (() => probeBackends(context)))() : [];
  let answers: StartAnswers = {};
  for (;;) {
    const decision = decideStart({ agents, backends, flags, answers, mode, picker: context.flags.picker === true, cwd: context.cwd });
    if (decision.kind === "usage") throw new UsageError(decision.message, decision.hint);
    if (decision.kind === "ask") {
      answers = await askQuestion(decision.question, answers, io);
      continue;
    }
    const spec = resolveStart(loaded, {
      agent: decision.agent,
      copyFrom: decision.copyCwd ? context.cwd : undefined,
      prompt: text(context.flags.prompt),
      env: context.env,
    });
    if (decision.confirm) {
      // What would stop the start anyway is said before a person is asked to start it.
      requireRouteSecrets(spec, context.env);
      await confirmStart(planView(spec, decision.backend, loaded.file), io);
    }
    return { loaded, spec, backend: decision.backend };
  }
}

/** Every registered backend with its own summary and its answer to "can you run here?", probed together. */
async function probeBackends(context: CommandContext): Promise<BackendChoice[]> {
  const deps = backendDeps(context);
  return Promise.all(
    backendNames().map(async (name): Promise<BackendChoice> => {
      const backend = selectBackend(name);
      const availability = await backend.availability(deps);
      return { name, hint: backend.summary, ...(availability.usable ? { usable: true } : { usable: false, reason: availability.reason }) };
    }),
  );
}
