import { expect, test } from "bun:test";
import { answerHead } from "../../../../src/gate/tls/answer-head.ts";

const TOKEN = "ghp_WsT0kenWsT0kenWsT0kenWsT0kenWsT0ken";
const redact = (text: string) => text.replaceAll(TOKEN, "[REDACTED:held-secret]").replaceAll(TOKEN.toLowerCase(), "[REDACTED:held-secret]");

test("an upgrade answer's reason phrase, a line without a colon and a header value are redacted; a header named by the secret is dropped", () => {
  // The attack: the status line and colon-less lines of an upgrade answer were passed
  // as sent, so an upstream's `401 Bad credential Bearer <token>` reached the agent.
  const head = [`HTTP/1.1 401 Bad credential Bearer ${TOKEN}`, `x-echo: ${TOKEN}`, `stray ${TOKEN}`, `x-${TOKEN.toLowerCase()}: 1`, "x-plain: kept", "X-Bottle-Block: denied"].join("\r\n");
  const answer = answerHead(head, redact);
  expect(answer).not.toContain(TOKEN);
  expect(answer.toLowerCase()).not.toContain(TOKEN.toLowerCase());
  expect(answer.split("\r\n")).toEqual(["HTTP/1.1 401 Bad credential Bearer [REDACTED:held-secret]", "x-echo: [REDACTED:held-secret]", "stray [REDACTED:held-secret]", "x-plain: kept", "", ""]);
});

test("a refused upgrade is framed again for the body the gate relays", () => {
  const answer = answerHead("HTTP/1.1 403 Forbidden\r\ncontent-length: 9\r\nconnection: keep-alive\r\nx-a: b", redact, 4);
  expect(answer).toBe("HTTP/1.1 403 Forbidden\r\nx-a: b\r\ncontent-length: 4\r\nconnection: close\r\n\r\n");
});

test("a header named by the secret lower-cased is dropped when the caller's test is caseless", () => {
  const caseless = (name: string) => name.toLowerCase().includes(TOKEN.toLowerCase());
  const answer = answerHead(`HTTP/1.1 101 Switching Protocols\r\nx-${TOKEN.toLowerCase()}: 1\r\nupgrade: websocket`, redact, undefined, caseless);
  expect(answer).toBe("HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n");
});
