import { expect, test } from "bun:test";
import { CLIENT_CREDENTIALS, endToEndHeaders } from "../../../../src/gate/pipeline/headers.ts";
import { parseAuthority } from "../../../../src/gate/services/egress/parse-authority.ts";

test("drops hop-by-hop headers, those named in Connection, and keeps repeats", () => {
  const headers = endToEndHeaders([
    "Host", "a.test",
    "Connection", "keep-alive, X-Secret-Hop",
    "X-Secret-Hop", "1",
    "Proxy-Authorization", "Basic abc",
    "Set-Cookie", "a=1",
    "Set-Cookie", "b=2",
    "Accept", "*/*",
  ]);
  expect(headers).toEqual({ host: "a.test", "set-cookie": ["a=1", "b=2"], accept: "*/*" });
});

test("strips every client credential for routes", () => {
  const headers = endToEndHeaders(["Authorization", "Bearer x", "X-Api-Key", "k", "Cookie", "c=1", "Accept", "*/*"], CLIENT_CREDENTIALS);
  expect(headers).toEqual({ accept: "*/*" });
});

test.each([
  ["example.com:443", { host: "example.com", port: 443 }],
  ["[::1]:8443", { host: "::1", port: 8443 }],
  ["example.com", undefined],
  ["example.com:0", undefined],
  ["example.com:65536", undefined],
  ["exa mple.com:443", undefined],
  ["http://example.com:443", undefined],
])("CONNECT %s", (input, expected) => {
  expect(parseAuthority(input)).toEqual(expected as never);
});
