import { describe, expect, test } from "bun:test";
import { cidrContains, formatIp, parseCidr, parseIpLiteral } from "../../../../src/gate/egress/address.ts";

const canonical = (host: string) => {
  const ip = parseIpLiteral(host);
  return ip === undefined ? undefined : formatIp(ip);
};

describe("parseIpLiteral", () => {
  test.each([
    ["127.0.0.1", "127.0.0.1"],
    ["2130706433", "127.0.0.1"],
    ["0177.0.0.1", "127.0.0.1"],
    ["0x7f.1", "127.0.0.1"],
    ["0x7f000001", "127.0.0.1"],
    ["127.1", "127.0.0.1"],
    ["127.0.1", "127.0.0.1"],
    ["0", "0.0.0.0"],
    // WHATWG URL parsing reads a bare `0x` as zero too.
    ["0x", "0.0.0.0"],
    ["0251.0376.0251.0376", "169.254.169.254"],
    ["0xa9.0xfe.0xa9.0xfe", "169.254.169.254"],
    ["2852039166", "169.254.169.254"],
    ["127.0.0.1.", "127.0.0.1"],
    ["::ffff:127.0.0.1", "127.0.0.1"],
    ["[::ffff:7f00:1]", "127.0.0.1"],
    ["[::1]", "0:0:0:0:0:0:0:1"],
    ["::", "0:0:0:0:0:0:0:0"],
    ["fe80::1%eth0", "fe80:0:0:0:0:0:0:1"],
    ["2001:db8::8:800:200c:417a", "2001:db8:0:0:8:800:200c:417a"],
  ])("%s is %s", (input, expected) => {
    expect(canonical(input)).toBe(expected);
  });

  test.each(["example.com", "256.0.0.1", "1.2.3.4.5", "08.0.0.1", "1..2", "127.0.0.1x", "4294967296", "[::1", ":::1", "localhost"])(
    "%s is not an IP literal",
    (input) => {
      expect(canonical(input)).toBeUndefined();
    },
  );
});

describe("parseCidr", () => {
  test("contains addresses in any spelling", () => {
    const loopback = parseCidr("127.0.0.0/8")!;
    expect(cidrContains(loopback, parseIpLiteral("0x7f.1")!)).toBe(true);
    expect(cidrContains(loopback, parseIpLiteral("128.0.0.1")!)).toBe(false);
    expect(cidrContains(parseCidr("fd00::/8")!, parseIpLiteral("fd12::1")!)).toBe(true);
    expect(cidrContains(parseCidr("fd00::/8")!, parseIpLiteral("10.0.0.1")!)).toBe(false);
    expect(cidrContains(parseCidr("10.1.2.3")!, parseIpLiteral("10.1.2.3")!)).toBe(true);
  });

  test.each(["10.0.0.0/33", "10.0.0.0/", "nope/8", "::/129", "10.0.0.0/8/8", "10.0.0.0/-1"])("%s is refused", (input) => {
    expect(parseCidr(input)).toBeUndefined();
  });
});
