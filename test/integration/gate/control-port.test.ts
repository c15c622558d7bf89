import * as v from "valibot";
import { GateConfigSchema } from "../../../src/gate/config-schema.ts";
import { afterAll, describe, expect, test } from "bun:test";
import type { GateService } from "../../../src/gate/services/gate-service.ts";
import { curl, rawExchange, startTestGate } from "./harness.ts";

describe("the control port (Bun.serve)", async () => {
  const reloads: string[] = [];
  let closed = false;
  // A control-port service as git and supervise will be: a prefix and a fetch.
  const echo: GateService = {
    name: "echo",
    controlPrefix: "/echo/",
    fetch: async (request, client) => new Response(`echo ${request.method} ${new URL(request.url).pathname} from ${client.address}`),
    reload: (config) => void reloads.push(config.listen),
    close: async () => void (closed = true),
  };
  const gate = await startTestGate({ allow: ["*.gate.test"] }, {}, undefined, undefined, { control: true, services: [() => echo, () => undefined] });
  const control = `http://127.0.0.1:${gate.controlPort}`;
  afterAll(() => gate[Symbol.asyncDispose]());

  test("/healthz is ready and lists every service by name", async () => {
    const result = await curl([`${control}/healthz`]);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ status: "ok", services: ["egress", "echo"] });
    // The proxy port keeps answering it for backends that poll there.
    expect(JSON.parse((await curl([`${gate.proxy}/healthz`])).body).services).toEqual(["egress", "echo"]);
  });

  test("a service's prefix reaches its fetch; anything else is 404", async () => {
    const hit = await curl(["-X", "POST", `${control}/echo/a/b`]);
    expect(hit.body).toBe("echo POST /echo/a/b from 127.0.0.1");
    expect((await curl([`${control}/nothing`])).status).toBe(404);
  });

  test("the control port is no proxy: absolute-form and CONNECT do not tunnel", async () => {
    const plain = await curl(["-x", control, "http://app.gate.test/"]);
    expect(plain.status).toBe(404);
    const tunnel = await curl(["-x", control, "https://app.gate.test/"]);
    expect(tunnel.connectStatus).not.toBe(200);
    // The attack (a hunt for leaks, this round): a CONNECT made the handler throw, and
    // Bun answered with its development error page: a stack, source and file paths.
    const raw = await rawExchange(gate.controlPort!, "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\nConnection: close\r\n\r\n");
    expect(raw.split("\r\n")[0]).toBe("HTTP/1.1 405 Method Not Allowed");
    expect(raw).not.toContain("control-server");
    expect(raw.length).toBeLessThan(400);
  });

  test("reload and close reach every service", async () => {
    gate.reload(v.parse(GateConfigSchema, { listen: "127.0.0.1:0" }));
    expect(reloads).toEqual(["127.0.0.1:0"]);
    await gate.close(100);
    expect(closed).toBe(true);
    expect((await curl([`${control}/healthz`])).exitCode).not.toBe(0);
  });
});
