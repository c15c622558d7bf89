import { expect, test } from "bun:test";
import { routePath } from "../../../../../src/gate/services/routes/route-path.ts";

test.each([
  ["/base", "v1/x", "/base/v1/x"],
  ["/base/", "v1/x/", "/base/v1/x/"],
  ["/base", "", "/base/"],
  ["/", "", "/"],
  ["/base", "a/../b", "/base/b"],
  ["/base", "a/%2e%2e/b", "/base/b"],
  ["/base", "a\\b", "/base/a/b"],
  ["/base", "group%2Fproject/issues", "/base/group%2Fproject/issues"],
  ["/base", "a%2F..", "/base/a%2F.."],
  ["/base", "a%2e%2eb", "/base/a%2e%2eb"],
  ["/base", "a/..;jsessionid=1/b", "/base/b"],
  // A segment with dots and other characters is a name, not a dot segment.
  ["/base", "v1.2/x", "/base/v1.2/x"],
  ["/base", "..a/.b/c..", "/base/..a/.b/c.."],
  ["/base", "a/..%00/b", "/base/b"],
])("base %s + %s → %s", (base, rest, expected) => {
  expect(routePath(base, rest)).toBe(expected);
});

test.each([
  "..", "../admin", "%2e%2e", ".%2E/x", "%2E.", "..\\x", "..%5cx", "..%2fx", "a/..%2F..", "%252e%252e/x", "%25252e%25252e", "a/../..", "./../x", "..;/admin", "..;x", "%2e%2e;/x",
])("%s leaves the base", (rest) => {
  expect(routePath("/repos/org/app", rest)).toBeUndefined();
});

// Round-2 review: spellings that some server on the way reads as `..` (NUL or spaces
// cut or trimmed, overlong UTF-8, fullwidth or ideographic dots, IIS %u escapes,
// Windows' trailing dots) or as a separator (overlong and fullwidth solidus).
test.each([
  "..%00/admin", ".%00./admin", "..%09/admin", "..%20/admin", "%20../admin", "..%2500/admin",
  "%c0%ae%c0%ae/admin", "..%e0%80%ae/admin", "%ef%bc%8e%ef%bc%8e/admin", ".%E3%80%82/admin",
  "%u002e%u002e/admin", "%U002E./admin", ".../admin", "x/..%c0%af../admin", "x/..%ef%bc%8f../admin", "x/%u002e%u002e%u002f..",
])("%s leaves the base", (rest) => {
  expect(routePath("/repos/org/app", rest)).toBeUndefined();
});
