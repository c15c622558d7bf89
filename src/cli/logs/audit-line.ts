import * as v from "valibot";
import { printable } from "../../core/printable.ts";

/** The fields of a gate audit line that `bottle logs --gate` reads (others are kept as written). */
const AuditLineSchema = v.looseObject({
  time: v.string(),
  method: v.string(),
  host: v.string(),
  path: v.optional(v.string(), ""),
  decision: v.string(),
  reason: v.optional(v.string()),
  status: v.number(),
  route: v.optional(v.string()),
  address: v.optional(v.string()),
});

/** One parsed audit line. */
export type AuditLine = v.InferOutput<typeof AuditLineSchema>;

/** Parses one line of the audit log; undefined for a line that is not an audit entry. */
export function parseAuditLine(text: string): AuditLine | undefined {
  try {
    const result = v.safeParse(AuditLineSchema, JSON.parse(text));
    return result.success ? result.output : undefined;
  } catch {
    return undefined;
  }
}

/** What to do about a refusal, by its reason, naming the manifest key that decides it. */
function advice(reason: string | undefined, bottle: string): string | undefined {
  const egress = `bottles.${bottle}.egress`;
  if (reason === "not-allowed") return `allow it in ${egress}.allow`;
  if (reason === "denied") return `${egress}.deny refuses it`;
  if (reason === "private-address") return `a private address: ${egress}.allow_cidrs lets a range through`;
  if (reason?.startsWith("dlp:")) return `the DLP scan found ${reason.slice(4)} in the request; ${egress}.dlp.action decides`;
  return undefined;
}

/** `12:03:04`: the entry's time of day on this machine's clock. */
export function clock(time: string): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return time;
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

/**
 * An audit entry as a person reads it:
 * `12:03:04 403 CONNECT example.com:443 not-allowed — allow it in bottles.default.egress.allow`.
 */
export function formatAuditLine(line: AuditLine, bottle: string): string {
  const target = `${line.host}${line.path}`;
  const route = line.route === undefined ? "" : ` route ${line.route}`;
  const address = line.address === undefined ? "" : ` (${line.address})`;
  const reason = line.reason === undefined ? "" : ` ${line.reason}${address}`;
  const hint = line.decision === "block" ? advice(line.reason, bottle) : undefined;
  return printable(`${clock(line.time)} ${line.status} ${line.method} ${target}${route}${reason}${hint === undefined ? "" : ` — ${hint}`}`);
}
