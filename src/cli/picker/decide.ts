import { DEFAULT_BACKEND, type BackendName } from "../backend-name.ts";
import { didYouMean } from "../../core/did-you-mean.ts";

/** An agent as the picker lists it: its name, and what it runs as a hint. */
export interface AgentChoice {
  name: string;
  hint?: string;
}

/** A backend as the picker lists it: its own summary, and whether it can run here (why not, if not). */
export interface BackendChoice {
  name: BackendName;
  hint?: string;
  usable: boolean;
  /** Why it cannot run here; shown beside a disabled choice. */
  reason?: string;
}

/** The start flow's flags, already validated at the edge. */
export interface StartFlags {
  /** The `AGENT` positional. */
  agent?: string;
  backend?: BackendName;
  /** `--cwd` true, `--no-cwd` false, neither undefined. */
  copyCwd?: boolean;
  /** `--yes`: skip the confirmation. */
  yes?: boolean;
  /** `--dry-run`: ends at the plan, so there is nothing to confirm starting. */
  dryRun?: boolean;
}

/** What a person answered so far. */
export interface StartAnswers {
  agent?: string;
  backend?: BackendName;
  copyCwd?: boolean;
}

/**
 * How the start flow may talk to a person: `picker` asks every choice a flag did not
 * make and confirms (`bottle` on a terminal); `terminal` asks only what has no default
 * (`bottle start` on a terminal: which agent, when the manifest has several); `none`
 * never asks (no TTY, `CI` set, or `--json`).
 */
export type PromptMode = "picker" | "terminal" | "none";

/** One option of a question. */
export interface QuestionOption<T> {
  value: T;
  label: string;
  hint?: string;
  /** Shown, but not selectable (a backend that cannot run here). */
  disabled?: boolean;
}

/** A question the picker puts to a person. */
export type Question =
  | { key: "agent"; message: string; options: QuestionOption<string>[]; initial: string }
  | { key: "backend"; message: string; options: QuestionOption<BackendName>[]; initial: BackendName }
  | { key: "copyCwd"; message: string; initial: boolean };

/** The next step of the start flow. */
export type StartDecision =
  | { kind: "ask"; question: Question }
  | { kind: "ready"; agent: string; backend: BackendName; copyCwd: boolean; confirm: boolean }
  | { kind: "usage"; message: string; hint: string };

/** Everything {@link decideStart} looks at. */
export interface DecideStartOptions {
  agents: readonly AgentChoice[];
  /**
   * The registered backends, in the order the picker lists them, each with whether it
   * can run here. By default (a start that will not ask), none: no probe is needed.
   */
  backends?: readonly BackendChoice[];
  flags: StartFlags;
  answers: StartAnswers;
  mode: PromptMode;
  /** By default, false; true for bare `bottle`, which asked for the picker. */
  picker?: boolean;
  /** The directory `--cwd` would copy, for the question's wording. */
  cwd: string;
}

/**
 * The picker's decisions as a pure function of the manifest's agents, the flags and the
 * answers so far: the next question, a usage error naming the missing flag, or the
 * final choices. A flag always wins over a question; without a person (`mode: none`)
 * nothing is asked, and a choice with no safe default is a usage error.
 * By default, the backend is docker and the workspace starts empty.
 */
export function decideStart({ agents, backends = [], flags, answers, mode, picker = false, cwd }: DecideStartOptions): StartDecision {
  const names = agents.map((agent) => agent.name);
  if (names.length === 0) {
    return { kind: "usage", message: "the manifest defines no agents", hint: "add one under `agents:` (see `bottle init`)" };
  }
  const listed = names.join(", ");
  // Bare `bottle` asks for the picker; without a person there is no one to pick, and
  // starting the only agent anyway would surprise a script that forgot a TTY.
  if (picker && mode === "none" && flags.agent === undefined) {
    return {
      kind: "usage",
      message: "`bottle` alone is the interactive picker and needs a terminal (no TTY, or CI is set)",
      hint: `name what to start: \`bottle start ${names[0]}\` (agents: ${listed}); \`bottle --help\` lists the flags`,
    };
  }

  if (flags.agent !== undefined && !names.includes(flags.agent)) {
    const close = didYouMean(flags.agent, names);
    return {
      kind: "usage",
      message: `unknown agent: ${flags.agent} (one of: ${listed})`,
      hint: close === undefined ? `pass one of: ${listed}` : `did you mean \`${close}\`?`,
    };
  }
  // One agent is no choice: nobody is asked "Which agent?" with a single answer.
  const agent = flags.agent ?? answers.agent ?? (names.length > 1 ? undefined : names[0]);
  if (agent === undefined) {
    if (mode === "none") {
      return {
        kind: "usage",
        message: `no agent chosen: pass AGENT (one of: ${listed}) or run on a terminal`,
        hint: `e.g. \`bottle start ${names[0]}\`; bottle asks only on a terminal, and never with CI set or --json`,
      };
    }
    return {
      kind: "ask",
      question: {
        key: "agent",
        message: "Which agent?",
        options: agents.map(({ name, hint }) => (hint === undefined ? { value: name, label: name } : { value: name, label: name, hint })),
        initial: names[0]!,
      },
    };
  }

  const backend = flags.backend ?? answers.backend ?? (mode === "picker" ? undefined : DEFAULT_BACKEND);
  if (backend === undefined) {
    const usable = backends.filter((choice) => choice.usable).map((choice) => choice.name);
    if (usable.length === 0) {
      const why = backends.map((choice) => `${choice.name}: ${choice.reason ?? "unavailable"}`).join("; ");
      return { kind: "usage", message: `no backend can run here (${why})`, hint: "`bottle doctor` says what is missing and how to fix it" };
    }
    return {
      kind: "ask",
      question: {
        key: "backend",
        message: "Which backend?",
        options: backends.map(({ name, hint, usable: ok, reason }): QuestionOption<BackendName> => {
          const shown = ok ? hint : `cannot run here: ${reason ?? "unavailable"}`;
          return { value: name, label: name, ...(shown === undefined ? {} : { hint: shown }), ...(ok ? {} : { disabled: true }) };
        }),
        initial: usable.includes(DEFAULT_BACKEND) ? DEFAULT_BACKEND : usable[0]!,
      },
    };
  }

  const copyCwd = flags.copyCwd ?? answers.copyCwd ?? (mode === "picker" ? undefined : false);
  if (copyCwd === undefined) {
    return { kind: "ask", question: { key: "copyCwd", message: `Copy ${cwd} into the workspace?`, initial: false } };
  }

  return { kind: "ready", agent, backend, copyCwd, confirm: mode === "picker" && flags.yes !== true && flags.dryRun !== true };
}
