import { HOOK_PROBE_ANSWER, HOOK_PROBE_ENV, HOOK_PUSH_ENV, HOOK_SOCKET_ENV, type HookAnswer } from "./hook-server.ts";

/**
 * `bottle gate git-hook`: the mirrors' pre-receive hook. It hands git's ref updates
 * and the quarantine holding the pushed objects to the gate over its socket, prints
 * the gate's lines (the agent's git shows them as `remote: bottle: …`), and exits 0
 * only when the gate accepted the push — and, by then, upstream took it.
 */
export async function runGitHook(env: Record<string, string | undefined>, stdin: string, stderr: { write(text: string): void }): Promise<number> {
  const say = (line: string) => stderr.write(`bottle: ${line}\n`);
  // The gate's start-up check that git can run this hook at all (it skips one it cannot).
  if (env[HOOK_PROBE_ENV] === "1" && env[HOOK_PUSH_ENV] === undefined) {
    stderr.write(`${HOOK_PROBE_ANSWER}\n`);
    return 0;
  }
  const socket = env[HOOK_SOCKET_ENV];
  const push = env[HOOK_PUSH_ENV];
  // A push that only deletes sends no pack, so git makes no quarantine.
  const objectDir = env.GIT_OBJECT_DIRECTORY ?? "";
  if (socket === undefined || push === undefined) {
    say("this hook runs only inside the bottle gate's receive-pack; the push is refused");
    return 1;
  }
  let answer: HookAnswer;
  try {
    const response = await fetch("http://gate/decide", {
      unix: socket,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ push, updates: stdin, objectDir }),
    });
    answer = (await response.json()) as HookAnswer;
  } catch (error) {
    say(`the gate did not answer (${(error as Error).message}); the push is refused`);
    return 1;
  }
  for (const line of answer.messages ?? []) say(line);
  return answer.accept === true ? 0 : 1;
}
