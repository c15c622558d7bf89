import { expect, test } from "bun:test";
import { hostMatches } from "../../../../src/gate/egress/host-match.ts";

test.each([
  ["*", "anything.example", true],
  ["example.com", "example.com", true],
  ["example.com", "EXAMPLE.com.", true],
  ["example.com", "www.example.com", false],
  ["*.example.com", "www.example.com", true],
  ["*.example.com", "a.b.example.com", true],
  ["*.example.com", "example.com", false],
  ["*.example.com", "badexample.com", false],
  ["*.example.com", "example.com.evil.test", false],
  ["registry.npmjs.org", "registry.npmjs.org.evil.test", false],
])("%s vs %s → %p", (pattern, host, expected) => {
  expect(hostMatches(pattern, host)).toBe(expected);
});
