import type { GateContext } from "../gate-context.ts";
import { BODY_IDLE_MS } from "../pipeline/read-body-prefix.ts";

/** A deadline on the frame a WebSocket reader holds partly read. */
export interface FrameDeadline {
  /** After each read: whether a frame completed in it, and how many bytes of the next one are held. */
  progress(completed: boolean, pending: number): void;
  stop(): void;
}

/**
 * The gate holds a partial WebSocket frame whole (up to 8 MiB) to scan it, so a frame
 * must be complete within the body deadline (30 s by default, `bodyIdleMs`) of the
 * read that began it — counted from its start, not from its last byte: a sender that
 * trickles a byte every 20 s would otherwise keep 8 MiB of the gate-wide budget for
 * the connection's 10-minute idle limit, and four such connections held all of it
 * (review round 2, finding 7). A completed frame restarts the clock, so a steady
 * stream of frames never trips it; `expired` is called once.
 */
export function frameDeadline(context: GateContext, expired: () => void): FrameDeadline {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  return {
    progress(completed, pending) {
      if (completed || pending === 0) stop();
      if (pending > 0 && timer === undefined) timer = setTimeout(expired, context.bodyIdleMs ?? BODY_IDLE_MS);
    },
    stop,
  };
}
