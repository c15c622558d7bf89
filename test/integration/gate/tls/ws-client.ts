import { randomBytes } from "node:crypto";
import net from "node:net";
import tls from "node:tls";

// A WebSocket client over a CONNECT through the gate, by hand (no library), for the
// inspection tests: frames are built and read here so a test can send what a library
// never would (split, oversized, trickled).

/** A masked client frame (RFC 6455 §5.2): by default a whole text message; payloads under 64 KiB. */
export function textFrame(text: string, options: { fin?: boolean; opcode?: number; rsv1?: boolean } = {}): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, index) => byte ^ mask[index % 4]!));
  const first = (options.fin === false ? 0 : 0x80) | (options.rsv1 ? 0x40 : 0) | (options.opcode ?? 1);
  const length = payload.length < 126 ? Buffer.from([0x80 | payload.length]) : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([Buffer.from([first]), length, mask, masked]);
}

/** A masked client frame of any length (the 64-bit length form past 64 KiB). */
export function maskedFrame(payload: Buffer, opcode = 1, fin = true): Buffer {
  const mask = randomBytes(4);
  const masked = Buffer.from(payload);
  for (let index = 0; index < masked.length; index++) masked[index]! ^= mask[index & 3]!;
  const first = (fin ? 0x80 : 0) | opcode;
  let head: Buffer;
  if (payload.length < 126) head = Buffer.from([first, 0x80 | payload.length]);
  else if (payload.length < 0x10000) head = Buffer.from([first, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  else {
    head = Buffer.alloc(10);
    head[0] = first;
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  return Buffer.concat([head, mask, masked]);
}

/** The unmasked server frames in `data` (payloads under 64 KiB). */
function serverFrames(data: Buffer): { fin: boolean; opcode: number; payload: Buffer }[] {
  const frames: { fin: boolean; opcode: number; payload: Buffer }[] = [];
  for (let at = 0; at + 2 <= data.length; ) {
    let length = data[at + 1]! & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = data.readUInt16BE(at + 2);
      start = at + 4;
    }
    if (start + length > data.length) break;
    frames.push({ fin: (data[at]! & 0x80) !== 0, opcode: data[at]! & 0x0f, payload: data.subarray(start, start + length) });
    at = start + length;
  }
  return frames;
}

/** The whole text messages among `frames` (a fragmented one joined from its continuation frames). */
function textMessages(frames: { fin: boolean; opcode: number; payload: Buffer }[]): string[] {
  const messages: string[] = [];
  let open: Buffer[] | undefined;
  for (const frame of frames) {
    if (frame.opcode === 1) open = [frame.payload];
    else if (frame.opcode === 0 && open !== undefined) open.push(frame.payload);
    else continue;
    if (frame.fin) {
      messages.push(Buffer.concat(open).toString());
      open = undefined;
    }
  }
  return messages;
}

export interface WsResult {
  /** The status line of the answer to the upgrade (the gate's or the origin's). */
  status: number;
  head: string;
  /** Text messages from the origin, in order. */
  messages: string[];
  /** What followed the head when the upgrade was refused (its body). */
  body: string;
  /** The close frame the client got, if any. */
  close?: { code: number; reason: string };
}

/**
 * A WebSocket client as a proxy-aware one is: CONNECT through the gate, TLS trusting
 * `ca` with the CONNECT host as SNI and offering h2 first, the upgrade request, then
 * `send` as text frames, reading until `expect` messages came or the socket closed.
 */
export async function wsThroughGate(
  gatePort: number,
  host: string,
  port: number,
  path: string,
  ca: string,
  options: { send?: (string | Buffer)[]; expect?: number; headers?: string[]; upgrade?: string; opened?: (socket: tls.TLSSocket) => void; waitMs?: number } = {},
): Promise<WsResult & { alpn: string | false }> {
  const raw = net.connect({ host: "127.0.0.1", port: gatePort });
  await new Promise<void>((resolve, reject) => raw.once("connect", resolve).once("error", reject));
  raw.write(`CONNECT ${host}:${port} HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`);
  const established = await new Promise<string>((resolve) => raw.once("data", (chunk: Buffer) => resolve(chunk.toString())));
  if (!established.startsWith("HTTP/1.1 200")) return { status: Number(established.slice(9, 12)), head: established, messages: [], body: "", alpn: false };
  const socket = tls.connect({ socket: raw, servername: host, ca, ALPNProtocols: ["h2", "http/1.1"] });
  await new Promise<void>((resolve, reject) => socket.once("secureConnect", resolve).once("error", reject));
  const key = randomBytes(16).toString("base64");
  const extra = (options.headers ?? []).map((line) => `${line}\r\n`).join("");
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: Upgrade\r\nUpgrade: ${options.upgrade ?? "websocket"}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Extensions: permessage-deflate\r\n${extra}\r\n`);
  let data = Buffer.alloc(0);
  let head = "";
  let sent = false;
  return new Promise((resolve) => {
    const finish = () => {
      socket.destroy();
      const frames = serverFrames(data);
      const closing = frames.find((frame) => frame.opcode === 8);
      const close = closing === undefined ? {} : { close: { code: closing.payload.readUInt16BE(0), reason: closing.payload.subarray(2).toString() } };
      const messages = textMessages(frames);
      const body = head.startsWith("HTTP/1.1 101") ? "" : data.toString();
      resolve({ status: Number(head.slice(9, 12)), head, messages, body, ...close, alpn: socket.alpnProtocol ?? false });
    };
    const timer = setTimeout(finish, options.waitMs ?? 10_000);
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (head === "") {
        const end = data.indexOf("\r\n\r\n");
        if (end < 0) return;
        head = data.subarray(0, end).toString();
        data = data.subarray(end + 4);
      }
      if (!sent && head.startsWith("HTTP/1.1 101")) {
        sent = true;
        for (const item of options.send ?? []) socket.write(typeof item === "string" ? textFrame(item) : item);
        options.opened?.(socket);
      }
      if (textMessages(serverFrames(data)).length >= (options.expect ?? 1)) {
        clearTimeout(timer);
        finish();
      }
    });
    socket.on("close", () => {
      clearTimeout(timer);
      finish();
    });
    socket.on("error", () => {});
  });
}

