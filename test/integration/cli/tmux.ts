import { randomBytes } from "node:crypto";
import { processRunner } from "../../../src/core/runner.ts";

/**
 * True when `tmux` runs here; the picker tests skip without it. CI installs it and sets
 * `BOTTLE_REQUIRE_ENGINE=1`: there a missing tmux is a failure, not a silent skip.
 */
export async function tmuxAvailable(): Promise<boolean> {
  const result = await processRunner.run(["tmux", "-V"], { check: false, timeoutMs: 10_000 }).catch(() => undefined);
  const available = result?.exitCode === 0;
  if (!available && process.env.BOTTLE_REQUIRE_ENGINE === "1") {
    throw new Error("BOTTLE_REQUIRE_ENGINE=1 but `tmux -V` does not run: install tmux to test the picker");
  }
  return available;
}

/** Quotes a word for the shell tmux runs the command with. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * A terminal a test types into as a person would: a detached tmux session on its own
 * server socket (so it never touches anyone else's tmux), running `command` in a shell
 * that prints `[exit N]` when it ends and keeps the pane for reading.
 */
export async function openTerminal(command: string) {
  const socket = `bottle-test-${process.pid}-${randomBytes(4).toString("hex")}`;
  const tmux = (...args: string[]) => processRunner.run(["tmux", "-L", socket, ...args], { timeoutMs: 15_000 });
  await tmux("new-session", "-d", "-s", "t", "-x", "120", "-y", "60", `${command}; echo "[exit $?]"; sleep 600`);

  const screen = async () => (await tmux("capture-pane", "-p", "-J", "-t", "t", "-S", "-500")).stdout;
  return {
    screen,
    /** Sends tmux key names (`Down`, `Enter`, `C-c`, `Escape`) one by one. */
    keys: async (...names: string[]) => {
      for (const name of names) await tmux("send-keys", "-t", "t", name);
    },
    /**
     * Waits until the screen shows `text`: a wait for a program drawing, not a timing
     * assertion. The deadline only turns a hang into a failure that shows the screen.
     */
    waitFor: async (text: string | RegExp, deadlineMs = 30_000): Promise<string> => {
      const until = Date.now() + deadlineMs;
      for (;;) {
        const shown = await screen();
        if (typeof text === "string" ? shown.includes(text) : text.test(shown)) return shown;
        if (Date.now() > until) throw new Error(`the terminal never showed ${String(text)}; it shows:\n${shown}`);
        await Bun.sleep(50);
      }
    },
    close: async () => {
      await processRunner.run(["tmux", "-L", socket, "kill-server"], { check: false, timeoutMs: 15_000 });
    },
  };
}

export type Terminal = Awaited<ReturnType<typeof openTerminal>>;
