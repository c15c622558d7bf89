import { describe, expect, test } from "bun:test";
import { methodOverrides } from "../../../../src/gate/tls/method-overrides.ts";

describe("methodOverrides", () => {
  test("reads every override header, repeated or comma-joined, and _method in the query", () => {
    expect(methodOverrides({ "x-http-method-override": "DELETE" }, "")).toEqual(["DELETE"]);
    expect(methodOverrides({ "x-http-method": "PUT, PATCH", "x-method-override": "delete" }, "?a=1&_method=POST&_METHOD=put")).toEqual(["PUT", "PATCH", "delete", "POST", "put"]);
    expect(methodOverrides({ "x-http-method-override": ["A", "B"] as never }, "")).toEqual(["A", "B"]);
  });

  test("a request without any asks for nothing more", () => {
    expect(methodOverrides({ accept: "*/*" }, "?method=DELETE")).toEqual([]);
    expect(methodOverrides({ "x-http-method-override": " " }, "")).toEqual([]);
  });
});
