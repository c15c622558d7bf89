import { expect, test } from "bun:test";
import { parseIpLiteral } from "../../../../src/gate/egress/address.ts";
import { classifyAddress } from "../../../../src/gate/egress/classify-address.ts";

test.each([
  ["127.0.0.1", "loopback"],
  ["0177.0.0.1", "loopback"],
  ["10.1.2.3", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.1", "private"],
  ["169.254.169.254", "link-local"],
  ["100.64.0.1", "cgnat"],
  ["100.127.255.255", "cgnat"],
  ["0.0.0.0", "unspecified"],
  ["224.0.0.1", "multicast"],
  ["255.255.255.255", "broadcast"],
  ["::1", "loopback"],
  ["::", "unspecified"],
  ["fd00::1", "ula"],
  ["fc00::1", "ula"],
  ["fe80::1", "link-local"],
  ["ff02::1", "multicast"],
  ["::ffff:10.0.0.1", "private"],
  ["64:ff9b::a9fe:a9fe", "link-local"],
  ["2002:7f00:1::", "loopback"],
])("%s is %s", (address, kind) => {
  expect(classifyAddress(parseIpLiteral(address)!)).toBe(kind as never);
});

test.each(["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "93.184.216.34"])("%s is public", (address) => {
  expect(classifyAddress(parseIpLiteral(address)!)).toBeUndefined();
});
