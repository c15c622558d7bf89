import { beforeAll, expect, test } from "bun:test";
import { processRunner } from "../../../src/core/runner.ts";
import { describeEngine } from "../../helpers/engine.ts";
import { ensureAgentImage, hostExtraCaCerts } from "../../helpers/images.ts";

let image = "";
const inImage = (script: string) =>
  processRunner.run(["docker", "run", "--rm", "--label", "dev.bottle.test=agent-image", image, "bash", "-c", script], { timeoutMs: 120_000 });

describeEngine("the agent image (top-level Dockerfile)", () => {
  beforeAll(async () => {
    // Several minutes on a fresh machine (apt + npm), cached afterwards.
    image = await ensureAgentImage();
  }, 1_200_000);

  test("runs the pinned Claude Code CLI", async () => {
    const { stdout } = await inImage("claude --version");
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+ \(Claude Code\)$/);
  });

  test("runs as the non-root user agent (uid 1000) in /workspace, which it owns", async () => {
    const { stdout } = await inImage('id -un; id -u; pwd; stat -c %U /workspace; git --version >/dev/null && echo git');
    expect(stdout.split("\n")).toEqual(["agent", "1000", "/workspace", "agent", "git", ""]);
  });

  test("trusts the extra CA certificates in the system bundle and in node", async () => {
    const extra = await hostExtraCaCerts();
    const { stdout } = await inImage('echo "$NODE_EXTRA_CA_CERTS"; cat /etc/ssl/certs/ca-certificates.crt');
    const [nodeCa, ...bundle] = stdout.split("\n");
    expect(nodeCa).toBe("/etc/ssl/certs/ca-certificates.crt");
    // Each supplied certificate's body appears in the bundle (line breaks may differ).
    const flat = bundle.join("");
    for (const pem of extra.split("-----END CERTIFICATE-----").filter((part) => part.includes("BEGIN"))) {
      const body = pem.split("-----BEGIN CERTIFICATE-----")[1]!.replace(/\s+/g, "");
      expect(flat).toContain(body.slice(0, 64));
      expect(flat).toContain(body.slice(-64));
    }
  });

  test("node and curl in the running image reach HTTPS through a TLS-intercepting network", async () => {
    const { stdout } = await inImage(
      'curl -sS -o /dev/null -w "%{http_code}\\n" https://registry.npmjs.org/ && ' +
        'node -e "require(\'https\').get(\'https://registry.npmjs.org/\', (r) => console.log(r.statusCode)).on(\'error\', (e) => { console.log(e.message); process.exit(1) })"',
    );
    expect(stdout).toBe("200\n200\n");
  });
});

describeEngine("the agent image's git identity", () => {
  beforeAll(async () => {
    image = await ensureAgentImage();
  }, 1_200_000);

  const commit = 'cd "$(mktemp -d)" && git init -q && git commit -q --allow-empty -m first && git log -1 --format="%an <%ae>|%cn <%ce>"';

  test("`git commit` works in a fresh bottle with a neutral identity", async () => {
    const { stdout } = await inImage(commit);
    expect(stdout.trim()).toBe("bottle agent <agent@bottle.invalid>|bottle agent <agent@bottle.invalid>");
  });

  test("GIT_AUTHOR_* and GIT_COMMITTER_* in the env take precedence", async () => {
    const env = ["-e", "GIT_AUTHOR_NAME=Ada", "-e", "GIT_AUTHOR_EMAIL=ada@example.com", "-e", "GIT_COMMITTER_NAME=Bot", "-e", "GIT_COMMITTER_EMAIL=bot@example.com"];
    const { stdout } = await processRunner.run(["docker", "run", "--rm", "--label", "dev.bottle.test=agent-image", ...env, image, "bash", "-c", commit], { timeoutMs: 120_000 });
    expect(stdout.trim()).toBe("Ada <ada@example.com>|Bot <bot@example.com>");
  });
});
