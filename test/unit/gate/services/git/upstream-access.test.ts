import { describe, expect, test } from "bun:test";
import { describeUpstreamFailure } from "../../../../../src/gate/services/git/describe-upstream-failure.ts";
import { parseUpstream, type Upstream } from "../../../../../src/gate/services/git/parse-upstream.ts";
import { gitProtocol, parseGitRequest } from "../../../../../src/gate/services/git/smart-http.ts";
import { sshOptions, upstreamGitEnv } from "../../../../../src/gate/services/git/upstream-access.ts";

const upstream = (text: string): Upstream => {
  const parsed = parseUpstream(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.upstream;
};

describe("upstreamGitEnv", () => {
  test("ssh runs in batch mode against the pinned known_hosts only, with the gate's key only", () => {
    const { env, secretEnv } = upstreamGitEnv(upstream("git@github.com:org/app.git"), { keyFile: "/keys/app key", knownHostsFile: "/state/app.known_hosts", connectTimeoutSeconds: 7 });
    const ssh = env.GIT_SSH_COMMAND!;
    for (const option of ["BatchMode=yes", "IdentitiesOnly=yes", "IdentityAgent=none", "StrictHostKeyChecking=yes", "UserKnownHostsFile=/state/app.known_hosts", "GlobalKnownHostsFile=/dev/null", "ConnectTimeout=7"]) {
      expect(ssh).toContain(`'${option}'`);
    }
    expect(ssh).toContain("'-i' '/keys/app key'");
    expect(ssh).toContain("'-F' '/dev/null'");
    expect(env.GIT_TERMINAL_PROMPT).toBe("0");
    expect(env.GIT_CONFIG_GLOBAL).toBe("/dev/null");
    expect(secretEnv).toEqual({});
  });

  test("with a control path, git uses the repo's shared connection if it is open and never becomes one itself", () => {
    const credentials = { keyFile: "/k", knownHostsFile: "/kh", controlPath: "/tmp/bottle-ssh-x/app-0123456789abcdef" };
    const { env } = upstreamGitEnv(upstream("git@github.com:org/app.git"), credentials);
    expect(env.GIT_SSH_COMMAND).toContain("'ControlMaster=no' '-o' 'ControlPath=/tmp/bottle-ssh-x/app-0123456789abcdef'");
    expect(sshOptions(credentials, true)).toContain("ControlMaster=yes");
    expect(env.GIT_SSH_COMMAND).not.toContain("ControlPersist");
    expect(upstreamGitEnv(upstream("git@github.com:org/app.git"), { knownHostsFile: "/kh" }).env.GIT_SSH_COMMAND).not.toContain("Control");
  });

  test("an https token travels only as a secret GIT_CONFIG value, never in the plain env", () => {
    const token = "ghp_secretTokenValue0123456789";
    const { env, secretEnv } = upstreamGitEnv(upstream("https://github.com/org/app.git"), { knownHostsFile: "/x", token });
    expect(JSON.stringify(env)).not.toContain(token);
    expect(JSON.stringify(env)).not.toContain(Buffer.from(`x-access-token:${token}`).toString("base64"));
    const index = Object.entries(env).find(([, value]) => value === "http.extraHeader")![0].replace("GIT_CONFIG_KEY_", "");
    expect(secretEnv[`GIT_CONFIG_VALUE_${index}`]).toBe(`Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`);
    expect(Number(env.GIT_CONFIG_COUNT)).toBeGreaterThan(Number(index));
    // credential helpers of the machine are switched off
    expect(env.GIT_CONFIG_KEY_0).toBe("credential.helper");
    expect(env.GIT_CONFIG_VALUE_0).toBe("");
  });
});

describe("describeUpstreamFailure", () => {
  const url = "git@github.com:org/app.git";
  test("names the cause without git's boilerplate", () => {
    const stderr = "ssh: connect to host github.com port 22: Connection refused\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n";
    expect(describeUpstreamFailure(url, stderr, false)).toBe(`bottle gate: upstream ${url} unreachable: ssh: connect to host github.com port 22: Connection refused`);
  });

  test("a changed host key and a refused key are named for what they are", () => {
    expect(describeUpstreamFailure(url, "@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\nHost key verification failed.\n", false)).toContain("host key does not match the pinned host_key");
    expect(describeUpstreamFailure(url, "git@github.com: Permission denied (publickey).\n", false)).toContain("refused the gate's credentials");
  });

  test("never repeats a secret the upstream echoed", () => {
    expect(describeUpstreamFailure(url, "fatal: token sekret-123 rejected\n", false, ["sekret-123"])).not.toContain("sekret-123");
  });
});

describe("parseGitRequest", () => {
  const parse = (method: string, path: string) => parseGitRequest(method, new URL(`http://gate${path}`));
  test("serves smart HTTP only", () => {
    expect(parse("GET", "/git/app.git/info/refs?service=git-upload-pack")).toEqual({ repo: "app", step: "advertise", rpc: "git-upload-pack" });
    expect(parse("GET", "/git/app/info/refs?service=git-receive-pack")).toEqual({ repo: "app", step: "advertise", rpc: "git-receive-pack" });
    expect(parse("POST", "/git/app.git/git-receive-pack")).toEqual({ repo: "app", step: "rpc", rpc: "git-receive-pack" });
    expect(parse("GET", "/git/app.git/info/refs")).toBeUndefined();
    expect(parse("GET", "/git/app.git/HEAD")).toBeUndefined();
    expect(parse("GET", "/git/app.git/objects/info/packs")).toBeUndefined();
    expect(parse("GET", "/git/app.git/git-upload-pack")).toBeUndefined();
    expect(parse("GET", "/git/../etc/info/refs?service=git-upload-pack")).toBeUndefined();
  });

  test("passes on a Git-Protocol header only when it is plain key=value text", () => {
    expect(gitProtocol("version=2")).toBe("version=2");
    expect(gitProtocol("version=2:object-format=sha256")).toBe("version=2:object-format=sha256");
    expect(gitProtocol("version=2; rm -rf /")).toBeUndefined();
    expect(gitProtocol(null)).toBeUndefined();
  });
});
