import { mkdirSync, statSync, watch, type FSWatcher } from "node:fs";
import type { AuditLog } from "../../audit.ts";
import { approvedAllow } from "./approved-egress.ts";
import type { RequestView, SuperviseRequest } from "./request-schema.ts";
import { newRequestId, RequestStore } from "./request-store.ts";
import type { SuperviseConfig } from "./supervise-config.ts";
import { superviseAuditEntry } from "./supervise-audit.ts";

/** The note the agent gets when no one can approve: it should not wait, and it should say so. */
export const UNATTENDED_NOTE =
  "no one can approve requests for this bottle (it runs unattended: CI, no terminal, or supervise.when_unattended: deny); " +
  "carry on without it, or tell the person what to add to the manifest";

/** At most this many requests of one bottle wait at once: an agent in a loop must not bury the person (or fill the disk). */
export const MAX_PENDING = 20;

/**
 * At most this many requests of one bottle are kept in its folder at all (decided
 * ones included); past it, nothing more is recorded (`too-many-stored`) until a
 * person removes some. Unattended, each request is denied at once, so the pending cap
 * never applies: 600 calls left 1,800 files (36 MiB) on the host, and every call
 * re-read all of them (39 → 416 ms a call; a hunt for leaks, this round).
 */
export const MAX_STORED = 500;

/** How often the folder is looked at besides the watcher, and expiries noticed. */
const POLL_MS = 1_000;

/**
 * The gate's side of the requests folder: creates requests, notices decisions the CLI
 * writes (a directory watch, backed by a 1 s poll), audits each outcome once, folds
 * approved hosts into the policy (calling `onApprovals` *before* any waiting call
 * hears "approved", so the host answers by the time the agent retries), and wakes
 * the calls waiting on a decision.
 */
export class Supervisor {
  readonly store: RequestStore;
  /** The allow entries approved so far (this session and earlier ones: `resume` keeps them). */
  approved: string[] = [];
  private config: SuperviseConfig;
  private readonly known = new Map<string, RequestView>();
  private readonly waiters = new Set<() => void>();
  private stamp = "";
  private watcher: FSWatcher | undefined;
  private readonly poll: ReturnType<typeof setInterval>;

  constructor(
    config: SuperviseConfig,
    private readonly audit: AuditLog,
    private readonly onApprovals: (approved: string[]) => void,
    private readonly maxStored = MAX_STORED,
    /** How a request's host is shown in the audit line (redacted by the gate's scanner). */
    private readonly redactHost: (host: string) => string = (host) => host,
  ) {
    this.config = config;
    this.store = new RequestStore(config.requests);
    mkdirSync(config.requests, { recursive: true, mode: 0o700 });
    // Earlier sessions' approvals apply from the first request on; they were audited then.
    for (const view of this.store.list()) this.known.set(view.request.id, view);
    this.approved = approvedAllow([...this.known.values()]);
    try {
      this.watcher = watch(config.requests, () => this.scan(true));
      this.watcher.on("error", () => this.watcher?.close());
    } catch {
      // No inotify: the poll still notices, within a second.
    }
    this.poll = setInterval(() => this.scan(false), POLL_MS);
    this.poll.unref();
  }

  /** A new config generation (attended, wait and expiry apply to new requests). */
  reload(config: SuperviseConfig): void {
    this.config = config;
  }

  /** Where the config stands now. */
  get settings(): SuperviseConfig {
    return this.config;
  }

  /**
   * Records a request and audits it. Unattended, it is denied at once, by the gate,
   * with {@link UNATTENDED_NOTE}. With {@link MAX_PENDING} already waiting, nothing
   * is recorded (`too-many`); with {@link MAX_STORED} in the folder, neither (`too-many-stored`).
   */
  ask(tool: SuperviseRequest["tool"], args: Record<string, unknown>, justification: string, client: string): RequestView | "too-many" | "too-many-stored" {
    this.scan(false);
    const now = Date.now();
    const waiting = [...this.known.values()].filter((view) => view.status === "pending" && now <= Date.parse(view.request.expires_at));
    if (waiting.length >= MAX_PENDING) return "too-many";
    if (this.known.size >= this.maxStored) return "too-many-stored";
    const request: SuperviseRequest = {
      id: newRequestId(),
      time: new Date(now).toISOString(),
      expires_at: new Date(now + this.config.expire_after_seconds * 1000).toISOString(),
      tool,
      arguments: args,
      justification,
    };
    this.store.create(request);
    let view: RequestView = { request, status: "pending" };
    this.audit.record(superviseAuditEntry(view, client, "requested", this.redactHost));
    if (!this.config.attended) {
      view = this.store.decide(request.id, { status: "denied", note: UNATTENDED_NOTE, time: new Date().toISOString(), by: "gate" }).view ?? view;
    }
    this.known.set(request.id, view);
    if (view.status !== "pending") this.audit.record(superviseAuditEntry(view, client, "decided", this.redactHost));
    return view;
  }

  /** The request as the folder has it now. */
  read(id: string): RequestView | undefined {
    this.scan(false);
    return this.known.get(id) ?? this.store.read(id);
  }

  /**
   * Waits until the request is decided (or expires), for at most `ms`; `onTick` is
   * called about every `tickMs` while it waits (progress notifications). Resolves
   * with the request as it then stands.
   */
  async waitFor(id: string, ms: number, options: { signal?: AbortSignal; tickMs?: number; onTick?: (waitedMs: number) => void } = {}): Promise<RequestView | undefined> {
    const started = Date.now();
    const tickMs = options.tickMs ?? 5_000;
    for (;;) {
      const view = this.read(id);
      const waited = Date.now() - started;
      if (view === undefined || view.status !== "pending" || waited >= ms || options.signal?.aborted) return view;
      let wake!: () => void;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      this.waiters.add(wake);
      const timer = setTimeout(wake, Math.min(tickMs, ms - waited));
      options.signal?.addEventListener("abort", wake, { once: true });
      await woken;
      clearTimeout(timer);
      this.waiters.delete(wake);
      options.signal?.removeEventListener("abort", wake);
      options.onTick?.(Date.now() - started);
    }
  }

  /** Stops watching; waiting calls answer with what they have. */
  close(): void {
    this.watcher?.close();
    clearInterval(this.poll);
    for (const wake of this.waiters) wake();
  }

  /**
   * Looks at the folder when it changed (or `force`, from the watcher) or when an
   * open request has passed its expiry; audits each new outcome once, updates the
   * approvals, then wakes the waiters.
   */
  private scan(force: boolean): void {
    const stamp = folderStamp(this.config.requests);
    const now = Date.now();
    const expiring = [...this.known.values()].some((view) => view.status === "pending" && now > Date.parse(view.request.expires_at));
    if (!force && !expiring && stamp === this.stamp) return;
    this.stamp = stamp;
    let changed = false;
    for (const view of this.store.list(now)) {
      const before = this.known.get(view.request.id);
      this.known.set(view.request.id, view);
      if (before?.status === view.status) continue;
      changed = true;
      if (view.status !== "pending") this.audit.record(superviseAuditEntry(view, "bottle-cli", "decided", this.redactHost));
    }
    if (!changed) return;
    const approved = approvedAllow([...this.known.values()]);
    if (approved.join("\n") !== this.approved.join("\n")) {
      this.approved = approved;
      this.onApprovals(approved);
    }
    for (const wake of this.waiters) wake();
  }
}

/** What changes when a file is added to the folder (every write here is a new name). */
function folderStamp(dir: string): string {
  try {
    const info = statSync(dir);
    return `${info.ino}:${info.mtimeMs}`;
  } catch {
    return "missing";
  }
}
