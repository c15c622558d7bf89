import type { IncomingMessage, ServerResponse } from "node:http";
import { beginAudit, type AuditLog } from "../audit.ts";

/** By default, a connection may have this many pipelined requests waiting behind the
 * one in progress; one more closes it. No client pipelines deeply (curl, node and
 * Bun do not pipeline at all), and a browser-era pipeline is a handful. */
export const MAX_PIPELINED = 8;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A connection's requests: whether one is in progress, and those waiting behind it. */
type Lane = { busy: boolean; waiting: (() => void)[] };

/**
 * Wraps a request handler so that each connection's requests run one after another,
 * in the order they came, and a connection with more than {@link MAX_PIPELINED}
 * waiting is closed (`tooDeep` is told, once, to audit it). Bun 1.4.5's `node:http`
 * hands every request of a pipelined write to the handler at once: one write of 300
 * requests made 256 upstream exchanges in flight (all of fetch's pool), and one of
 * 60,000 took the gate to 783 MiB and `/healthz` out for seconds (a hunt for leaks,
 * this round). A response is in order anyway, so running them in turn loses nothing.
 */
export function oneAtATime(handler: Handler, tooDeep: (req: IncomingMessage) => void, maxWaiting = MAX_PIPELINED): Handler {
  const lanes = new WeakMap<object, Lane>();
  return (req, res) => {
    const socket = req.socket;
    if (socket.destroyed) return void res.destroy();
    let lane = lanes.get(socket);
    if (lane === undefined) {
      lane = { busy: false, waiting: [] };
      lanes.set(socket, lane);
    }
    const current = lane;
    const run = () => {
      if (socket.destroyed) return void res.destroy();
      current.busy = true;
      let finished = false;
      const next = () => {
        if (finished) return;
        finished = true;
        current.busy = false;
        current.waiting.shift()?.();
      };
      // One listener per request (each is a cost on the plain path): `close` follows
      // the response's end, and a connection that breaks, in Bun 1.4.5's node:http.
      res.once("close", next);
      handler(req, res);
    };
    if (!current.busy) return run();
    if (current.waiting.length >= maxWaiting) {
      current.waiting.length = 0;
      tooDeep(req);
      return void socket.destroy();
    }
    current.waiting.push(run);
  };
}

/** The one audit line of a connection closed for pipelining too deep: status 0, as
 * the requests waiting got no answer. */
export function auditTooDeep(audit: AuditLog, req: IncomingMessage): void {
  beginAudit(audit, req.socket, { method: req.method ?? "", host: "", path: "" })({ decision: "error", reason: "pipeline-too-deep", status: 0 });
}
