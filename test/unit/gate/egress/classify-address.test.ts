import { describe, expect, test } from "bun:test";
import { parseIpLiteral } from "../../../../src/gate/egress/address.ts";
import { classifyAddress } from "../../../../src/gate/egress/classify-address.ts";

const classify = (address: string) => {
  const ip = parseIpLiteral(address);
  if (ip === undefined) throw new Error(`${address} is not an IP literal`);
  return classifyAddress(ip);
};

describe("IPv4 special-purpose registry: every range not globally reachable is refused", () => {
  // One row per registry block (plus multicast), an address inside it and its last address.
  test.each([
    ["0.0.0.0/8", "0.0.0.0", "0.255.255.255", "unspecified"],
    ["10.0.0.0/8", "10.1.2.3", "10.255.255.255", "private"],
    ["100.64.0.0/10", "100.64.0.1", "100.127.255.255", "cgnat"],
    ["127.0.0.0/8", "127.0.0.1", "127.255.255.255", "loopback"],
    ["169.254.0.0/16", "169.254.169.254", "169.254.255.255", "link-local"],
    ["172.16.0.0/12", "172.16.0.1", "172.31.255.255", "private"],
    ["192.0.0.0/24", "192.0.0.1", "192.0.0.255", "reserved"],
    ["192.0.0.0/29 (DS-Lite)", "192.0.0.2", "192.0.0.7", "reserved"],
    ["192.0.0.8/32 (dummy)", "192.0.0.8", "192.0.0.8", "reserved"],
    ["192.0.0.170/31 (NAT64 discovery)", "192.0.0.170", "192.0.0.171", "reserved"],
    ["192.0.2.0/24 (TEST-NET-1)", "192.0.2.2", "192.0.2.255", "documentation"],
    ["192.88.99.0/24 (6to4 relay anycast)", "192.88.99.1", "192.88.99.255", "reserved"],
    ["192.168.0.0/16", "192.168.1.1", "192.168.255.255", "private"],
    ["198.18.0.0/15", "198.18.0.1", "198.19.255.255", "benchmarking"],
    ["198.51.100.0/24 (TEST-NET-2)", "198.51.100.1", "198.51.100.255", "documentation"],
    ["203.0.113.0/24 (TEST-NET-3)", "203.0.113.7", "203.0.113.255", "documentation"],
    ["224.0.0.0/4", "224.0.0.1", "239.255.255.255", "multicast"],
    ["240.0.0.0/4", "240.0.0.1", "255.255.255.254", "reserved"],
    ["255.255.255.255/32", "255.255.255.255", "255.255.255.255", "broadcast"],
  ])("%s: %s and %s are %s", (_range, inside, last, kind) => {
    expect(classify(inside)).toBe(kind as never);
    expect(classify(last)).toBe(kind as never);
  });

  test.each([
    ["192.0.0.9", "Port Control Protocol anycast"],
    ["192.0.0.10", "TURN anycast"],
    ["192.31.196.1", "AS112-v4"],
    ["192.52.193.1", "AMT"],
    ["192.175.48.1", "AS112 direct delegation"],
  ])("%s (%s) is globally reachable though inside or beside a reserved block", (address) => {
    expect(classify(address)).toBeUndefined();
  });

  test.each(["8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255", "100.128.0.1", "100.63.255.255", "192.0.1.255", "192.0.3.0", "198.20.0.0", "203.0.114.0", "93.184.216.34"])(
    "%s is public",
    (address) => {
      expect(classify(address)).toBeUndefined();
    },
  );
});

describe("IPv6 special-purpose registry: every range not globally reachable is refused", () => {
  test.each([
    ["::/128", "::", "unspecified"],
    ["::1/128", "::1", "loopback"],
    ["64:ff9b:1::/48 (local-use NAT64), public IPv4 inside", "64:ff9b:1::808:808", "reserved"],
    ["100::/64 (discard-only)", "100::1", "discard"],
    ["100:0:0:1::/64 (dummy prefix)", "100:0:0:1::1", "discard"],
    ["2001::/23 (IETF protocol assignments)", "2001:1::4", "reserved"],
    ["2001::/23, its last address", "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", "reserved"],
    ["2001::/32 (Teredo), public server and client", "2001:0:808:808:0:0:f7f7:f7f7", "reserved"],
    ["2001:2::/48 (benchmarking)", "2001:2::1", "benchmarking"],
    ["2001:10::/28 (deprecated ORCHID)", "2001:10::1", "reserved"],
    ["2001:db8::/32 (documentation)", "2001:db8::1", "documentation"],
    ["2002::/16 (6to4), public IPv4 inside", "2002:808:808::1", "reserved"],
    ["3fff::/20 (documentation)", "3fff::1", "documentation"],
    ["5f00::/16 (SRv6 SIDs)", "5f00::1", "reserved"],
    ["fc00::/7 (unique local)", "fd12:3456::1", "ula"],
    ["fe80::/10 (link-local)", "fe80::1", "link-local"],
    ["fec0::/10 (deprecated site-local)", "fec0::1", "private"],
    ["ff00::/8 (multicast)", "ff02::1", "multicast"],
    ["outside 2000::/3 (unallocated)", "4000::1", "reserved"],
    ["::ffff:0:0:0/96 (SIIT translated), public IPv4 inside", "::ffff:0:808:808", "reserved"],
    ["::/96 (deprecated IPv4-compatible), public IPv4 inside", "::8.8.8.8", "reserved"],
  ])("%s: %s is %s", (_range, address, kind) => {
    expect(classify(address)).toBe(kind as never);
  });

  test.each([
    ["2001:1::1", "Port Control Protocol anycast"],
    ["2001:1::2", "TURN anycast"],
    ["2001:1::3", "DNS-SD service registration anycast"],
    ["2001:3::1", "AMT"],
    ["2001:4:112::1", "AS112-v6"],
    ["2001:20::1", "ORCHIDv2"],
    ["2001:30::1", "drone remote ID"],
    ["2620:4f:8000::1", "AS112 direct delegation"],
    ["2001:200::1", "just past 2001::/23"],
    ["2606:4700::1111", "a public resolver"],
    ["2001:4860:4860::8888", "a public resolver"],
  ])("%s (%s) is globally reachable", (address) => {
    expect(classify(address)).toBeUndefined();
  });
});

describe("an IPv6 address that wraps an IPv4 address is judged by the address inside", () => {
  test.each([
    ["IPv4-mapped ::ffff:0:0/96", "::ffff:10.0.0.1", "private"],
    ["NAT64 64:ff9b::/96", "64:ff9b::a9fe:a9fe", "link-local"],
    ["NAT64 64:ff9b::/96", "64:ff9b::7f00:1", "loopback"],
    ["local-use NAT64 64:ff9b:1::/48", "64:ff9b:1::7f00:3", "loopback"],
    ["local-use NAT64 64:ff9b:1::/48", "64:ff9b:1::c000:202", "documentation"],
    ["SIIT ::ffff:0:0:0/96", "::ffff:0:7f00:3", "loopback"],
    ["SIIT ::ffff:0:0:0/96", "::ffff:0:a9fe:a9fe", "link-local"],
    ["6to4 2002::/16", "2002:7f00:1::", "loopback"],
    ["6to4 2002::/16", "2002:c0a8:101::1", "private"],
    // Client 127.0.0.3 obfuscated (inverted) in the last 32 bits; server 65.54.227.120 public.
    ["Teredo 2001::/32, client", "2001:0:4136:e378:8000:63bf:80ff:fffc", "loopback"],
    ["Teredo 2001::/32, client", "2001:0:4136:e378:8000:63bf:f5ff:fffe", "private"],
    ["Teredo 2001::/32, server", "2001:0:a00:1:8000:63bf:f7f7:f7f7", "private"],
    ["IPv4-compatible ::/96", "::127.0.0.1", "loopback"],
  ])("%s: %s is %s", (_form, address, kind) => {
    expect(classify(address)).toBe(kind as never);
  });

  test("the NAT64 well-known prefix around a public address is public", () => {
    expect(classify("64:ff9b::808:808")).toBeUndefined();
  });
});
