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
])("base %s + %s → %s", (base, rest, expected) => {
  expect(routePath(base, rest)).toBe(expected);
});

test.each([
  "..", "../admin", "%2e%2e", ".%2E/x", "%2E.", "..\\x", "..%5cx", "..%2fx", "a/..%2F..", "%252e%252e/x", "%25252e%25252e", "a/../..", "./../x", "..;/admin", "..;x", "%2e%2e;/x",
])("%s leaves the base", (rest) => {
  expect(routePath("/repos/org/app", rest)).toBeUndefined();
});
