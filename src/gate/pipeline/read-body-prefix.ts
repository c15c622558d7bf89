import type { IncomingMessage } from "node:http";
import { pauseBody } from "./carried-socket.ts";
import type { PrefixBudget } from "./prefix-budget.ts";

/** The first bytes of a request body, and whether that was all of it. */
export interface BodyPrefix {
  prefix: Buffer;
  complete: boolean;
  /** Gives the prefix's share of the gate-wide budget back (idempotent): once the
   * upstream has it, or answered, the share is no longer the gate's to hold. */
  release?: () => void;
}

/** By default, a client that sends no body byte for 30 s while the gate reads the prefix is cut off (408). */
export const BODY_IDLE_MS = 30_000;
/**
 * By default, a prefix not read whole in 120 s is cut off too (408, `body-too-slow`):
 * a byte every few seconds beats the idle deadline, and a body of known length holds
 * its whole share of the budget from its first byte, so a handful of trickling bodies
 * kept every other body out for as long as they liked (review round 2). 120 s is a
 * 1 MiB prefix at under 9 KB/s.
 */
export const BODY_DEADLINE_MS = 120_000;

/** How reading a prefix went: the bytes, or why there are none to scan. */
export type PrefixRead =
  | { ok: true; body: BodyPrefix }
  | { ok: false; why: "timeout" | "too-slow" | "busy" | "client-closed"; bytes: number };

/** Limits for {@link readBodyPrefix}. */
export interface PrefixLimits {
  /** Pattern scanning reads at most this much. */
  limit: number;
  budget: PrefixBudget;
  /** By default, {@link BODY_IDLE_MS}. */
  idleMs?: number;
  /** By default, {@link BODY_DEADLINE_MS}. */
  deadlineMs?: number;
}

/**
 * Reads up to `limit` bytes of a request body for DLP, then pauses the stream so the
 * rest (if any) can be piped upstream with backpressure. Every byte held counts
 * against the gate-wide `budget` until `release` (returned with the result, called
 * when the exchange ends); a client idle for `idleMs`, a prefix not read whole in
 * `deadlineMs`, or a full budget ends the read
 * without a prefix, and the caller answers 408 or 503. A body of known length takes
 * its share of the budget before the first byte is read, so a full gate refuses it
 * without reading (and buffering) any of it.
 */
export function readBodyPrefix(req: IncomingMessage, limits: PrefixLimits): { read: Promise<PrefixRead>; release: () => void } {
  let held = 0;
  const release = () => {
    limits.budget.give(held);
    held = 0;
  };
  const announced = Number(req.headers["content-length"]);
  const reserved = Number.isFinite(announced) && announced >= 0 ? Math.min(announced, limits.limit) : 0;
  if (!limits.budget.take(reserved)) return { read: Promise.resolve({ ok: false, why: "busy", bytes: 0 }), release };
  held = reserved;
  const read = new Promise<PrefixRead>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = setTimeout(() => done({ ok: false, why: "too-slow", bytes: size }), limits.deadlineMs ?? BODY_DEADLINE_MS);
    const done = (result: PrefixRead) => {
      clearTimeout(timer);
      clearTimeout(deadline);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onGone);
      req.off("close", onGone);
      if (!result.ok) {
        chunks.length = 0;
        release();
      }
      resolve(result);
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => done({ ok: false, why: "timeout", bytes: size }), limits.idleMs ?? BODY_IDLE_MS);
    };
    const onData = (chunk: Buffer) => {
      // Beyond what was reserved (a chunked body): each byte takes its share as it comes.
      const extra = Math.max(0, size + chunk.length - held);
      if (!limits.budget.take(extra)) {
        pauseBody(req);
        return done({ ok: false, why: "busy", bytes: size + chunk.length });
      }
      held += extra;
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limits.limit) {
        pauseBody(req);
        return done({ ok: true, body: { prefix: Buffer.concat(chunks), complete: false } });
      }
      arm();
    };
    const onEnd = () => done({ ok: true, body: { prefix: Buffer.concat(chunks), complete: true } });
    const onGone = () => done({ ok: false, why: "client-closed", bytes: size });
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onGone);
    req.on("close", onGone);
    arm();
  });
  return { read, release };
}

/** True when a request carries a body (a length above zero, or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}
