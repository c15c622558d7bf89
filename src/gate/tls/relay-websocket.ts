import type { Duplex } from "node:stream";
import tls from "node:tls";
import type { AuditEntry } from "../audit.ts";
import type { GateContext } from "../gate-context.ts";
import type { GateGeneration } from "../gate-generation.ts";
import { createHeldTextRedactor, type HeldTextRedactor } from "../dlp/held-secret-redactor.ts";
import { frameDeadline } from "./frame-deadline.ts";
import { createFrameScan, type FrameVerdict } from "./frame-scan.ts";
import { respondRaw } from "../pipeline/respond.ts";
import { answerHead } from "./answer-head.ts";
import type { Checked } from "../pipeline/run-pipeline.ts";
import type { InspectedTarget } from "./tls-termination.ts";
import { MAX_SCANNED_BODY } from "../dlp/body-text.ts";
import { closeFrame, createFrameReader, encodeFrame, MAX_FRAME_BYTES, type WebSocketFrame } from "./websocket-frames.ts";

/** By default, an upstream gets 15 s to connect, finish TLS and answer the upgrade. */
const UPGRADE_TIMEOUT_MS = 15_000;
/** By default, a connection with no traffic either way for 10 minutes is closed (as a tunnel is). */
const IDLE_MS = 10 * 60_000;
/** At most this much of small frames' scanning at once before the event loop is given back. */
const TURN_MS = 2;
/** An upstream's answer head beyond this is not one the gate relays. */
const MAX_HEAD = 64 * 1024;

/** One upgrade to relay: where, what to send, and the generation its policy came from. */
export interface WebSocketRelay {
  target: InspectedTarget;
  client: Duplex;
  /** What the client sent after its upgrade request (frames, already): inspected like the rest. */
  head: Buffer;
  /** The upgrade request as it goes upstream (credential injected). */
  request: string;
  generation: GateGeneration;
  checked: Checked;
}

/**
 * Connects over TLS to the checked address (the CONNECT host's name verified against
 * the gate's trust), sends the upgrade and relays the answer; on `101` joins both
 * sides, frame by frame:
 *
 * * **agent → upstream**: every frame is unmasked and scanned by DLP (data frames
 *   with the tail of their message's earlier frames) before a byte of it goes on, in
 *   the scanner's slices like a request body; a finding under `dlp: block` closes the
 *   connection with 1008 and the audit line says `block` and the kind; so does a scan
 *   that could not finish (`scan-incomplete`, with `scan_incomplete` saying why),
 *   which under `dlp: warn` passes and is audited. A frame is forwarded as it came
 *   (still masked).
 * * **upstream → agent**: held secrets (an echoed credential) are redacted from each
 *   message's frames, which are then framed again: a secret split over two frames
 *   is replaced whole (a frame's end since its last line break waits for the next).
 *
 * An agent frame over 1 MiB is read, scanned and forwarded in 1 MiB pieces (each with
 * the tail of the one before), so a connection holds at most about that much of it.
 * A frame the gate cannot read (reserved bits: compression; a client frame without
 * its mask; over 8 MiB) ends the connection, as does one not complete within the
 * body deadline of its start (`frame-timeout`, frame-deadline.ts). Resolves with the audit outcome when
 * either side closes.
 */
export function relayWebSocket(context: GateContext, relay: WebSocketRelay): Promise<Partial<AuditEntry>> {
  const { target, client, generation } = relay;
  const { scanner } = generation;
  const redactHeader = (value: string) => generation.redactor?.header(value) ?? value;
  const namesSecret = (name: string) => generation.redactor?.namesSecret(name) === true;
  return new Promise((resolve) => {
    const upstream = tls.connect({
      host: relay.checked.address,
      port: target.port,
      servername: target.host,
      ALPNProtocols: ["http/1.1"],
      ...(context.upstreamTrust ? { ca: context.upstreamTrust } : {}),
    });
    let status = 0;
    let answered = false;
    let finished = false;
    /** Set once the gate is closing the agent's side itself: the upstream's close must not cut the close frame short. */
    let closing = false;
    let up = 0;
    let down = 0;
    let outcome: Partial<AuditEntry> = { decision: relay.checked.warned === undefined ? "allow" : "warn", ...(relay.checked.warned ? { reason: relay.checked.warned } : {}), status: 101 };
    const timer = setTimeout(() => upstream.destroy(new Error("upgrade timeout")), UPGRADE_TIMEOUT_MS);
    // Partial frames held for a scan count against the gate-wide budget body prefixes use.
    let held = 0;
    const hold = (bytes: number): boolean => {
      if (bytes > held && !context.budget.take(bytes - held)) return false;
      if (bytes < held) context.budget.give(held - bytes);
      held = bytes;
      return true;
    };
    const done = (last?: Partial<AuditEntry>) => {
      if (finished) return;
      finished = true;
      hold(0);
      clearTimeout(timer);
      clientDeadline.stop();
      serverDeadline.stop();
      client.destroy();
      // Frames that passed before a cut still reach the upstream; nothing after them does.
      if (closing) setTimeout(() => upstream.destroy(), 1_000).unref();
      else upstream.destroy();
      resolve({ ...(last ?? outcome), bytes_up: up, bytes_down: down });
    };
    /** Ends the connection with a close frame to the agent; the upstream is cut. */
    const cut = (code: number, reason: string, decision: "block" | "error", incomplete: string[] = []) => {
      if (finished || closing) return;
      outcome = { decision, reason, status: 101, ...(incomplete.length > 0 ? { scan_incomplete: incomplete } : {}) };
      closing = true;
      client.off("data", fromClient);
      upstream.end();
      client.end(closeFrame(code, `bottle gate: ${reason}`), () => done());
    };

    // An agent frame over 1 MiB is scanned and passed on in 1 MiB pieces, as fragments
    // are: held whole, an 8 MiB frame took a quarter of the gate-wide budget, so four
    // connections held all of it (review round 2, finding 7).
    const clientReader = createFrameReader(true, MAX_FRAME_BYTES, MAX_SCANNED_BODY);
    const serverReader = createFrameReader(false);
    /** Agent frames read whole, waiting for their scan (in order), and their bytes: held like partial frames. */
    const waiting: WebSocketFrame[] = [];
    let queued = 0;
    const holding = () => clientReader.pending + serverReader.pending + queued;
    const frameScan = createFrameScan(context, generation);
    /** Set while a frame's scan runs in the scheduler: the agent's side is paused, later frames wait. */
    let scanning = false;
    let upstreamFull = false;
    /** The agent ended its side: the upstream's is ended once the waiting frames are through. */
    let clientEnded = false;
    const resumeClient = () => {
      if (!scanning && !upstreamFull && !finished && !closing) client.resume();
    };
    /** Forwards a scanned frame, or cuts the connection for what its scan found; false when cut. */
    const settle = (frame: WebSocketFrame, verdict: FrameVerdict): boolean => {
      if (finished || closing) return false;
      if (!verdict.pass) {
        cut(1008, verdict.reason, "block", verdict.incomplete);
        return false;
      }
      if (frameScan.warned !== undefined) outcome = { ...outcome, decision: "warn", reason: frameScan.warned };
      if (frameScan.incomplete.length > 0) outcome = { ...outcome, scan_incomplete: [...frameScan.incomplete] };
      waiting.shift();
      queued -= frame.raw.length;
      if (!upstream.write(frame.raw)) {
        upstreamFull = true;
        client.pause();
      }
      return true;
    };
    /** Scans and forwards the waiting frames in order: small ones at once, a large one through
     * the scheduler, and after 2 ms of small ones the loop is given back (one read of 2,000
     * tiny fragments held it ~2 s, every other client of the gate waiting: a hunt, this round). */
    const pump = () => {
      const turnStart = performance.now();
      while (!scanning && waiting.length > 0) {
        if (performance.now() - turnStart > TURN_MS) {
          scanning = true;
          client.pause();
          setImmediate(() => {
            scanning = false;
            if (finished || closing) return;
            pump();
            if (!finished) hold(holding());
            resumeClient();
          });
          return;
        }
        const frame = waiting[0]!;
        const verdict = frameScan.admit(frame);
        if (!(verdict instanceof Promise)) {
          if (!settle(frame, verdict)) return;
          continue;
        }
        scanning = true;
        client.pause();
        void verdict.then((result) => {
          scanning = false;
          if (!settle(frame, result)) return;
          pump();
          if (!finished) hold(holding());
          resumeClient();
        });
        return;
      }
      if (!scanning && clientEnded) upstream.end();
    };
    const clientDeadline = frameDeadline(context, () => cut(1008, "frame-timeout", "error"));
    const serverDeadline = frameDeadline(context, () => cut(1014, "frame-timeout", "error"));
    const fromClient = (chunk: Buffer) => {
      up += chunk.length;
      const frames = clientReader.push(chunk);
      if ("error" in frames) return cut(frames.error === "ws-frame-too-large" ? 1009 : 1002, frames.error, "error");
      clientDeadline.progress(frames.length > 0, clientReader.pending);
      for (const frame of frames) queued += frame.raw.length;
      if (!hold(holding())) return cut(1013, "busy", "error");
      waiting.push(...frames);
      pump();
      // What went on is no longer held.
      if (!finished) hold(holding());
    };
    // One redactor per upstream data message, so a held secret split over its frames is still replaced whole.
    let message: HeldTextRedactor | undefined;
    const redactedFrame = (frame: WebSocketFrame): Buffer => {
      const text = frame.payload.toString("latin1");
      if (frame.opcode >= 8) {
        const redacted = scanner.redactHeld(text);
        // A close frame's reason must stay within 125 bytes: a redacted one keeps only its code.
        return redacted === text ? frame.raw : encodeFrame(frame.fin, frame.opcode, frame.opcode === 8 ? frame.payload.subarray(0, 2) : Buffer.from(redacted, "latin1"));
      }
      message ??= createHeldTextRedactor(scanner.held);
      const redacted = message.push(text) + (frame.fin ? message.end() : "");
      if (frame.fin) message = undefined;
      return redacted === text ? frame.raw : encodeFrame(frame.fin, frame.opcode, Buffer.from(redacted, "latin1"));
    };
    const fromUpstream = (chunk: Buffer) => {
      down += chunk.length;
      const frames = serverReader.push(chunk);
      if ("error" in frames) return cut(1002, frames.error, "error");
      serverDeadline.progress(frames.length > 0, serverReader.pending);
      if (!hold(holding())) return cut(1013, "busy", "error");
      for (const frame of frames) {
        const out = generation.redactor === undefined ? frame.raw : redactedFrame(frame);
        if (!client.write(out)) upstream.pause();
      }
    };

    upstream.once("secureConnect", () => upstream.write(relay.request));
    let buffered = Buffer.alloc(0);
    const onHead = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf("\r\n\r\n");
      if (end < 0) {
        if (buffered.length > MAX_HEAD) upstream.destroy(new Error("answer head too long"));
        return;
      }
      const text = buffered.subarray(0, end).toString("latin1");
      status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      if (status !== 101) {
        // Not upgraded: the answer ends the connection. Its body goes with it (held
        // secrets redacted) when its length is given and small; a chunked or larger
        // one is not relayed.
        const length = Number(/\r\ncontent-length:[ \t]*(\d{1,6})[ \t]*(?:\r\n|$)/i.exec(text)?.[1] ?? -1);
        const relayed = length >= 0 && length <= MAX_HEAD ? length : 0;
        if (buffered.length < end + 4 + relayed) return;
        upstream.off("data", onHead);
        clearTimeout(timer);
        answered = true;
        closing = true;
        outcome = { decision: "error", reason: "upgrade-refused", status };
        const body = Buffer.from(scanner.redactHeld(buffered.subarray(end + 4, end + 4 + relayed).toString("latin1")), "latin1");
        client.write(answerHead(text, redactHeader, body.length, namesSecret));
        client.end(body, () => done());
        return;
      }
      upstream.off("data", onHead);
      clearTimeout(timer);
      answered = true;
      client.write(answerHead(text, redactHeader, undefined, namesSecret));
      upstream.on("data", fromUpstream);
      client.on("data", fromClient);
      client.on("drain", () => upstream.resume());
      upstream.on("drain", () => {
        upstreamFull = false;
        resumeClient();
      });
      upstream.setTimeout(IDLE_MS, () => upstream.destroy());
      // Frames still being scanned go first.
      client.once("end", () => {
        clientEnded = true;
        pump();
      });
      upstream.once("end", () => client.end());
      const rest = buffered.subarray(end + 4);
      if (rest.length > 0) fromUpstream(rest);
      if (relay.head.length > 0) fromClient(relay.head);
    };
    upstream.on("data", onHead);
    const unanswered = (why: string) => {
      finished = true;
      clearTimeout(timer);
      respondRaw(client, 502, `bottle gate: cannot reach ${target.host}:${target.port}: ${why}`);
      upstream.destroy();
      resolve({ decision: "error", reason: "upstream-failure", status: 502, bytes_up: up, bytes_down: down });
    };
    upstream.on("error", (error) => {
      if (answered || finished) return done();
      unanswered(error.message);
    });
    client.on("error", () => done());
    upstream.once("close", () => {
      if (answered && !closing) done();
      // Closed before a whole answer (head, or a refusal's announced body): nothing to relay.
      else if (!answered && !finished) unanswered("closed before answering the upgrade");
    });
    client.once("close", () => done(answered || closing ? undefined : { decision: "error", reason: "client-closed", status: 0 }));
  });
}
