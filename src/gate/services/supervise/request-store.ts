import { randomBytes } from "node:crypto";
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import {
  DecisionSchema,
  REQUEST_ID,
  requestStatus,
  SuperviseRequestSchema,
  type Decision,
  type RequestView,
  type SuperviseRequest,
} from "./request-schema.ts";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** A fresh request id: `req-` and 10 random base32 letters (50 bits). */
export function newRequestId(): string {
  return `req-${[...randomBytes(10)].map((byte) => BASE32[byte & 31]).join("")}`;
}

/** Writes `content` to `path` mode 0600 via a temporary file, so no reader sees half of it. */
function writeTemp(dir: string, content: string): string {
  const temp = join(dir, `.tmp-${randomBytes(6).toString("hex")}`);
  const fd = openSync(temp, "wx", 0o600);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return temp;
}

function readValidated<T>(path: string, schema: v.GenericSchema<unknown, T>): T | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  // Two processes write this folder through a mount: a file that does not validate
  // (hand-edited, truncated by a full disk) is ignored rather than believed.
  const result = v.safeParse(schema, data);
  return result.success ? result.output : undefined;
}

/** The outcome of {@link RequestStore.decide}: the first decision wins, later ones are told so. */
export type DecideOutcome = { decided: true; view: RequestView } | { decided: false; view: RequestView | undefined };

/**
 * One bottle's requests folder (`<state>/<identity>/supervise/requests/`): the gate
 * writes `<id>.json` when the agent asks; the CLI (or the gate, when no one can
 * attend) writes `<id>.decision.json` once. Files are 0600, written whole (temp file,
 * then a hard link), and validated when read back. Synchronous: the files are tiny
 * and few, and the gate folds approvals into its policy before it answers anyone.
 */
export class RequestStore {
  constructor(readonly dir: string) {}

  /** Records a new request. */
  create(request: SuperviseRequest): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const temp = writeTemp(this.dir, `${JSON.stringify(v.parse(SuperviseRequestSchema, request), null, 2)}\n`);
    try {
      linkSync(temp, this.requestPath(request.id));
    } finally {
      rmSync(temp, { force: true });
    }
  }

  /**
   * Writes a decision unless one exists (hard-linking a complete temp file is atomic
   * and refuses an existing name), so two people deciding at once cannot both win.
   */
  decide(id: string, decision: Decision): DecideOutcome {
    const before = this.read(id);
    if (before === undefined || before.status !== "pending") return { decided: false, view: before };
    const temp = writeTemp(this.dir, `${JSON.stringify(v.parse(DecisionSchema, decision), null, 2)}\n`);
    try {
      linkSync(temp, this.decisionPath(id));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      return { decided: false, view: this.read(id) };
    } finally {
      rmSync(temp, { force: true });
    }
    return { decided: true, view: this.read(id)! };
  }

  /**
   * Notes that the agent was handed the decision (`<id>.answered`): `bottle approve`
   * of a Dockerfile waits for it before stopping the bottle, so the agent hears why.
   */
  markAnswered(id: string): void {
    if (!REQUEST_ID.test(id)) return;
    try {
      closeSync(openSync(join(this.dir, `${id}.answered`), "wx", 0o600));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }

  /** Whether the agent was handed the decision. */
  answered(id: string): boolean {
    return REQUEST_ID.test(id) && existsSync(join(this.dir, `${id}.answered`));
  }

  /** One request and where it stands, or undefined (unknown id, or a file that does not validate). */
  read(id: string, now: number = Date.now()): RequestView | undefined {
    if (!REQUEST_ID.test(id)) return undefined;
    const request = readValidated(this.requestPath(id), SuperviseRequestSchema);
    if (request === undefined || request.id !== id) return undefined;
    const decision = readValidated(this.decisionPath(id), DecisionSchema);
    return { request, ...(decision === undefined ? {} : { decision }), status: requestStatus(request, decision, now) };
  }

  /** Every request, oldest first. */
  list(now: number = Date.now()): RequestView[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const ids = names.filter((name) => name.endsWith(".json") && !name.endsWith(".decision.json")).map((name) => name.slice(0, -5));
    const views = ids.map((id) => this.read(id, now));
    return views.filter((view) => view !== undefined).sort((a, b) => a.request.time.localeCompare(b.request.time));
  }

  private requestPath(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  private decisionPath(id: string): string {
    return join(this.dir, `${id}.decision.json`);
  }
}
