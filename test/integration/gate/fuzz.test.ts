import { afterAll, describe, expect, test } from "bun:test";
import net from "node:net";
import { seededRandom } from "../../unit/gate/dlp/fake-credentials.ts";
import { curl, startRecordingOrigin, startTestGate } from "./harness.ts";

/** Sends bytes, then hangs up after a short while whether or not the gate answered. */
function throwAt(port: number, bytes: Uint8Array, halfClose: boolean): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    const done = () => {
      socket.destroy();
      resolve();
    };
    socket.on("error", done);
    socket.on("close", done);
    socket.on("connect", () => {
      socket.write(bytes);
      if (halfClose) socket.end();
      setTimeout(done, 50);
    });
  });
}

const VALID = [
  "GET http://app.gate.test:PORT/ HTTP/1.1\r\nHost: app.gate.test:PORT\r\n\r\n",
  "CONNECT app.gate.test:PORT HTTP/1.1\r\nHost: app.gate.test:PORT\r\n\r\n",
  "POST http://app.gate.test:PORT/x HTTP/1.1\r\nHost: app.gate.test:PORT\r\nContent-Length: 10\r\n\r\n0123456789",
  "POST http://app.gate.test:PORT/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
  "GET /r/none/x HTTP/1.1\r\nHost: gate\r\n\r\n",
  "GET /healthz HTTP/1.1\r\nHost: gate\r\n\r\n",
];

describe("fuzz", async () => {
  const origin = startRecordingOrigin();
  const gate = await startTestGate({ allow: ["*.gate.test"], allow_cidrs: ["127.0.0.0/8"] });
  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    origin.server.stop(true);
  });

  test("random, truncated and mutated requests never take the gate down", async () => {
    const random = seededRandom(42);
    const int = (below: number) => Math.floor(random() * below);
    const templates = VALID.map((text) => new TextEncoder().encode(text.replaceAll("PORT", String(origin.server.port))));
    const cases: Uint8Array[] = [];
    for (let index = 0; index < 300; index++) {
      const template = templates[int(templates.length)]!;
      const kind = index % 3;
      if (kind === 0) cases.push(crypto.getRandomValues(new Uint8Array(1 + int(512))));
      else if (kind === 1) cases.push(template.slice(0, int(template.length)));
      else {
        const mutated = template.slice();
        for (let flips = 0; flips < 1 + int(6); flips++) mutated[int(mutated.length)] = int(256);
        cases.push(mutated);
      }
    }
    // A bounded number in small parallel batches: enough to hit races, not to flood a shared machine.
    for (let start = 0; start < cases.length; start += 10) {
      await Promise.all(cases.slice(start, start + 10).map((bytes, offset) => throwAt(gate.port, bytes, (start + offset) % 2 === 0)));
    }
    const health = await curl([`${gate.proxy}/healthz`]);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body).status).toBe("ok");
    const proxied = await curl(["-x", gate.proxy, `http://app.gate.test:${origin.server.port}/after-fuzz`]);
    expect(proxied.status).toBe(200);
  }, 60_000);
});
