import { isIPv6 } from "node:net";

/** An IP address as a number, so every spelling of one address compares equal. */
export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

/**
 * One IPv4 part as inet_aton reads it: `0x` hex, a leading `0` octal, else decimal.
 * Browsers and libc accept these spellings, so an attacker can use them to hide
 * `127.0.0.1` from a naive string check; we read them the same way and then judge.
 */
function ipv4Part(text: string): bigint | undefined {
  if (/^0x[0-9a-f]*$/i.test(text)) return text.length === 2 ? 0n : BigInt(text);
  if (/^0[0-7]+$/.test(text)) return BigInt(`0o${text.slice(1)}`);
  if (/^(0|[1-9][0-9]*)$/.test(text)) return BigInt(text);
  return undefined;
}

/** `127.0.0.1`, `2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1` — all the same address. */
function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length > 4 || parts.some((part) => part === "")) return undefined;
  const numbers = parts.map(ipv4Part);
  if (numbers.some((n) => n === undefined)) return undefined;
  const values = numbers as bigint[];
  const last = values.pop()!;
  // inet_aton: leading parts are one byte each, the last fills the remaining bytes.
  if (values.some((n) => n > 255n)) return undefined;
  const lastBits = BigInt(8 * (4 - values.length));
  if (last >= 1n << lastBits) return undefined;
  return values.reduce((sum, n, index) => sum | (n << BigInt(24 - 8 * index)), 0n) | last;
}

function parseIpv6(text: string): bigint | undefined {
  if (!isIPv6(text)) return undefined;
  let groups = text;
  // A dotted IPv4 tail (`::ffff:127.0.0.1`) becomes two hex groups.
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(groups);
  if (tail) {
    const v4 = parseIpv4(tail[1]!)!;
    groups = `${groups.slice(0, -tail[1]!.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = "", rest] = groups.split("::");
  const headParts = head === "" ? [] : head.split(":");
  const restParts = rest === undefined || rest === "" ? [] : rest.split(":");
  const fill = rest === undefined ? 0 : 8 - headParts.length - restParts.length;
  const all = [...headParts, ...Array<string>(fill).fill("0"), ...restParts];
  if (all.length !== 8) return undefined;
  return all.reduce((sum, group) => (sum << 16n) | BigInt(`0x${group}`), 0n);
}

const MAPPED_PREFIX = 0xffffn << 32n;

/**
 * Reads a host as an IP literal in any spelling (decimal, octal, hex, short IPv4 forms,
 * bracketed or plain IPv6, IPv4-mapped IPv6), or returns undefined for a hostname.
 * IPv4-mapped IPv6 comes back as the IPv4 address it reaches.
 */
export function parseIpLiteral(host: string): IpAddress | undefined {
  let text = host.trim().toLowerCase();
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
  if (text.endsWith(".") && !text.includes(":")) text = text.slice(0, -1);
  if (text.includes(":")) {
    // A zone index (`fe80::1%eth0`) names an interface: the address is what we judge.
    const value = parseIpv6(text.split("%")[0]!);
    if (value === undefined) return undefined;
    if (value >> 32n === MAPPED_PREFIX >> 32n) return { family: 4, value: value & 0xffffffffn };
    return { family: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

/** The canonical text of an address: dotted quad, or IPv6 in full hex groups (no `::`). */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return [24n, 16n, 8n, 0n].map((shift) => ((ip.value >> shift) & 255n).toString()).join(".");
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((ip.value >> shift) & 0xffffn).toString(16));
  return groups.join(":");
}

/** A CIDR block: `10.0.0.0/8`, `fc00::/7`; a bare address is a /32 or /128. */
export interface Cidr {
  family: 4 | 6;
  base: bigint;
  prefix: number;
}

/** Parses `ADDRESS[/PREFIX]`; undefined when it is not one. */
export function parseCidr(text: string): Cidr | undefined {
  const [address = "", prefixText, extra] = text.trim().split("/");
  if (extra !== undefined) return undefined;
  const ip = parseIpLiteral(address);
  if (ip === undefined) return undefined;
  const width = ip.family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? width : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= width)) return undefined;
  const mask = ((1n << BigInt(width)) - 1n) ^ ((1n << BigInt(width - prefix)) - 1n);
  return { family: ip.family, base: ip.value & mask, prefix };
}

/** True when `ip` lies inside `cidr`. */
export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false;
  const width = BigInt(cidr.family === 4 ? 32 : 128);
  const shift = width - BigInt(cidr.prefix);
  return ip.value >> shift === cidr.base >> shift;
}
