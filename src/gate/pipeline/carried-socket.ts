import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

/** By default, what the socket under a terminated tunnel may hold before writes through it wait. */
export const CARRIER_HIGH_WATER = 1024 * 1024;

/** Terminated TLS sockets and the sockets their bytes travel on. */
const carriers = new WeakMap<object, Duplex>();

/**
 * Makes `socket` (a `tls.TLSSocket` over `carrier`, the CONNECT socket) heed its
 * carrier. On Bun 1.4.5 a TLS socket over a JS stream writes its records to the stream
 * without heeding `write()`'s answer and goes on reading from it while paused: its own
 * `writableLength` stays 0 and `drain` comes at once, so nothing written through it
 * ever waited, and an agent that stopped reading a download (or an origin that stopped
 * reading an upload) grew the gate by ~240 MiB a second (a hunt, this round). So
 * pausing the TLS socket pauses its carrier, its `write()` says false while the carrier
 * holds {@link CARRIER_HIGH_WATER} or more, and its `drain` comes when the carrier's does.
 * Writers that Bun's `node:http` answers for (a response) ask {@link congestedCarrier}.
 */
export function carryOver(socket: Duplex, carrier: Duplex): void {
  carriers.set(socket, carrier);
  const pause = socket.pause.bind(socket);
  const resume = socket.resume.bind(socket);
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.pause = () => {
    carrier.pause();
    return pause();
  };
  socket.resume = () => {
    carrier.resume();
    return resume();
  };
  const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
  socket.write = ((...args: unknown[]) => write(...args) && carrier.writableLength < CARRIER_HIGH_WATER) as Duplex["write"];
  // The TLS socket's own `drain` (at once, its buffer being always empty) is held back
  // while the carrier is full: a writer that paused on `false` resumed at once on it.
  socket.emit = ((event: string | symbol, ...args: unknown[]) => (event === "drain" && carrier.writableLength >= CARRIER_HIGH_WATER ? false : emit(event, ...args))) as Duplex["emit"];
  carrier.on("drain", () => socket.emit("drain"));
}

/**
 * Pauses a request's body, and in an inspected tunnel the socket under it: on Bun
 * 1.4.5 `req.pause()` there reaches neither, and an upload to an origin that did not
 * read it grew the gate by ~400 MiB a second (a hunt, this round).
 */
export function pauseBody(req: IncomingMessage): void {
  req.pause();
  carriers.get(req.socket)?.pause();
}

/** Resumes what {@link pauseBody} paused. */
export function resumeBody(req: IncomingMessage): void {
  carriers.get(req.socket)?.resume();
  req.resume();
}

/** The carrier of `socket` when it holds too much: a writer waits for its `drain`. Undefined for any other socket. */
export function congestedCarrier(socket: unknown): Duplex | undefined {
  const carrier = typeof socket === "object" && socket !== null ? carriers.get(socket) : undefined;
  return carrier !== undefined && carrier.writableLength >= CARRIER_HIGH_WATER ? carrier : undefined;
}
