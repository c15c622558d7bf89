import { describe, expect, test } from "bun:test";
import { knownHostsPattern, parseUpstream } from "../../../../../src/gate/services/git/parse-upstream.ts";

const ok = (text: string) => {
  const parsed = parseUpstream(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.upstream;
};
const message = (text: string) => {
  const parsed = parseUpstream(text);
  return parsed.ok ? "" : parsed.message;
};

describe("parseUpstream", () => {
  test("scp-like ssh, with and without a user", () => {
    expect(ok("git@github.com:org/app.git")).toEqual({ kind: "ssh", url: "git@github.com:org/app.git", user: "git", host: "github.com", port: undefined, path: "org/app.git" });
    expect(ok("gitlab.example:app.git")).toMatchObject({ kind: "ssh", user: undefined, host: "gitlab.example", path: "app.git" });
  });

  test("ssh:// with a port and an IPv6 host", () => {
    expect(ok("ssh://git@127.0.0.1:2222/srv/app.git")).toMatchObject({ kind: "ssh", user: "git", host: "127.0.0.1", port: 2222, path: "/srv/app.git" });
    expect(ok("ssh://[::1]:22/app.git")).toMatchObject({ kind: "ssh", host: "::1", port: 22 });
  });

  test("https, and local paths in both spellings", () => {
    expect(ok("https://git.example:8443/org/app.git")).toMatchObject({ kind: "https", host: "git.example", port: 8443, path: "/org/app.git" });
    expect(ok("/srv/git/app.git")).toEqual({ kind: "local", url: "/srv/git/app.git", path: "/srv/git/app.git" });
    expect(ok("file:///srv/git/app%20x.git")).toMatchObject({ kind: "local", path: "/srv/git/app x.git" });
  });

  test("refuses credentials in an https URL: the agent's git config would show them", () => {
    expect(message("https://x-access-token:ghp_secret@github.com/org/app.git")).toContain("token: ${NAME}");
    expect(message("https://user@github.com/org/app.git")).toContain("visible to the agent");
  });

  test("refuses plain http, unknown transports, relative paths and junk", () => {
    expect(message("http://git.example/app.git")).toContain("use https://");
    expect(message("git://git.example/app.git")).toContain("unsupported git transport git://");
    expect(message("relative/path")).toContain("not a git URL");
    expect(message("file://host/path")).toContain("local path");
    expect(message("git@github.com: org/app")).toContain("no spaces");
    expect(message("ssh://host")).toContain("needs a host and a path");
  });
});

describe("knownHostsPattern", () => {
  test("names the port off 22, as ssh looks it up", () => {
    expect(knownHostsPattern({ host: "github.com", port: undefined })).toBe("github.com");
    expect(knownHostsPattern({ host: "github.com", port: 22 })).toBe("github.com");
    expect(knownHostsPattern({ host: "127.0.0.1", port: 2222 })).toBe("[127.0.0.1]:2222");
  });
});
