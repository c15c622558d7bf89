import { createWriteStream, type WriteStream } from "node:fs";

/** One decision of the gate, as one JSON line. Secrets in `path` are already redacted. */
export interface AuditEntry {
  time: string;
  /** The client's address and port. */
  client: string;
  /** `CONNECT`, `GET`… */
  method: string;
  host: string;
  /** Path and query (redacted); empty for tunnels. */
  path: string;
  /** `allow`, `block` (policy, 403), `warn` (DLP saw something, forwarded), `error` (400/502). */
  decision: "allow" | "block" | "warn" | "error";
  /** `not-allowed`, `denied`, `private-address`, `dlp:<kind>`, `upstream-failure`… */
  reason?: string;
  status: number;
  /** For a `private-address` refusal, the address refused (the literal, or the name's answer). */
  address?: string;
  /** For a route, its name. */
  route?: string;
  /** For a control-port service (`git`), its name. */
  service?: string;
  /** For the git gate, the repo's name. */
  repo?: string;
  /** For a git push, each ref update, old → new, with the gate's decision on it. */
  refs?: GitRefAudit[];
  bytes_up: number;
  bytes_down: number;
  duration_ms: number;
  /** Where DLP had to stop short (`body-prefix`: only the first 1 MiB of the body was
   * scanned; `scan-budget`, `decoded-size`, `body-size`); absent when all was scanned. */
  scan_incomplete?: string[];
  /** For a supervise request or its decision: which request, what the agent asked with, who decided, the note. */
  supervise?: { request: string; tool: string; by?: "person" | "gate"; note?: string };
}

/** One ref update of a git push, as the audit line records it. */
export interface GitRefAudit {
  ref: string;
  old: string;
  new: string;
  decision: AuditEntry["decision"];
  /** `not-pushable`, `force`, `delete`, `tag`, `dlp:<kind>`, `upstream-refused`… */
  reason?: string;
}

/** Where decisions go. */
export interface AuditLog {
  record(entry: AuditEntry): void;
  close(): Promise<void>;
}

/** By default, audit lines wait at most this long to be written, */
const AUDIT_FLUSH_MS = 10;
/** or until this many are waiting. */
const AUDIT_FLUSH_LINES = 256;

/**
 * Opens the audit log: appended JSON lines in `path` (created 0600: lines name hosts
 * and paths), or stderr when there is no path. Writes never block a request; a
 * failing disk is reported once on stderr rather than taking the gate down.
 */
export function openAuditLog(path: string | undefined): AuditLog {
  if (path === undefined) {
    return {
      record: (entry) => void process.stderr.write(`${JSON.stringify(entry)}\n`),
      close: async () => {},
    };
  }
  const stream: WriteStream = createWriteStream(path, { flags: "a", mode: 0o600 });
  let failed = false;
  stream.on("error", (error) => {
    if (!failed) process.stderr.write(`bottle gate: cannot write the audit log ${path}: ${error.message}\n`);
    failed = true;
  });
  // Lines of up to AUDIT_FLUSH_MS go out in one write (sooner when many wait): a write
  // per event-loop turn was still ~15% of the gate's CPU per plain request under wrk
  // (Bun 1.4.5 profile: the fs stream's write path), and 10 ms later is still
  // immediate for a person tailing the log.
  let pending: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    if (!failed) stream.write(pending.join(""));
    pending = [];
  };
  return {
    record: (entry) => {
      pending.push(`${JSON.stringify(entry)}\n`);
      if (pending.length >= AUDIT_FLUSH_LINES) flush();
      else if (timer === undefined) timer = setTimeout(flush, AUDIT_FLUSH_MS);
    },
    close: () => {
      flush();
      return new Promise((resolve) => stream.end(() => resolve()));
    },
  };
}

/** What a handler knows of a request when it arrives. */
export interface AuditStart {
  method: string;
  host: string;
  path: string;
  route?: string;
  /** By default, 0 until `finish` says; a tunnel starts at 200. */
  status?: number;
}

/**
 * Starts the audit entry of one request: time and client now, counters at zero.
 * `finish` fills in the outcome and the duration and records the line; every handler
 * (forward, route, tunnel) ends through it, so no decision goes unlogged.
 */
export function beginAudit(
  audit: AuditLog,
  socket: { remoteAddress?: string | undefined; remotePort?: number | undefined },
  start: AuditStart,
): (changes: Partial<AuditEntry>) => void {
  const started = performance.now();
  const entry: AuditEntry = {
    time: new Date().toISOString(),
    client: `${socket.remoteAddress}:${socket.remotePort}`,
    method: start.method,
    host: start.host,
    path: start.path,
    decision: "allow",
    ...(start.route === undefined ? {} : { route: start.route }),
    status: start.status ?? 0,
    bytes_up: 0,
    bytes_down: 0,
    duration_ms: 0,
  };
  return (changes) => {
    Object.assign(entry, changes, { duration_ms: Math.round((performance.now() - started) * 100) / 100 });
    audit.record(entry);
  };
}
