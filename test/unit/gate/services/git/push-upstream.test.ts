import { expect, test } from "bun:test";
import { pushUpstream } from "../../../../../src/gate/services/git/push-upstream.ts";
import { recordingRunner } from "../../../../helpers/recording-runner.ts";

const TOKEN = "ghs_upstreamTokenEchoedBack0123456789ab";

test("what an upstream says about a refused push reaches the agent without the gate's credential", async () => {
  // The attack (a hunt for leaks, this round): a hook on the upstream that prints what it
  // was sent had its `remote:` lines handed to the agent as they came.
  const { runner } = recordingRunner([
    {
      match: /^git push/,
      exitCode: 1,
      stdout: `To https://git.example.com/org/app.git\n!\trefs/heads/bottle/x:refs/heads/bottle/x\t[remote rejected] (token ${TOKEN} may not push)\nDone\n`,
      stderr: `remote: you authenticated with ${TOKEN}\nremote: \nerror: failed to push some refs\n`,
    },
  ]);
  const result = await pushUpstream(
    runner,
    "/mirror",
    { kind: "https", url: "https://git.example.com/org/app.git", host: "git.example.com", port: undefined, path: "/org/app.git" },
    { env: {}, secretEnv: { GIT_TOKEN: TOKEN } },
    [{ ref: "refs/heads/bottle/x", old: "a".repeat(40), new: "b".repeat(40), forced: false }],
    { objectDir: "/q", alternates: "/m" },
    [TOKEN],
  );
  expect(result).toEqual({
    ok: false,
    reason: "upstream-refused",
    messages: ["upstream remote: you authenticated with [REDACTED]", "upstream refused refs/heads/bottle/x: [remote rejected] (token [REDACTED] may not push)"],
  });
});
