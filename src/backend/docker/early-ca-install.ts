import { BottleError } from "../../core/errors.ts";
import type { Runner } from "../../core/runner.ts";
import { INSTALL_CA_SCRIPT } from "../../gate/tls/agent-trust.ts";

/** An install of the gate's CA in the agent that started before the CA was known. */
export interface EarlyCaInstall {
  /** Hands the waiting script the certificate (public) on its stdin and waits for it to end. */
  finish(certificate: string): Promise<void>;
  /** The launch ends without a certificate: the script is stopped, and installs nothing. */
  abandon(): void;
}

/**
 * Starts the CA install in the agent as soon as its container runs, while the gate is
 * still starting: `docker exec --interactive` of the install script as root, its stdin
 * left open until `finish` writes the PEM. What an exec costs (the CLI, the engine, a
 * process in the container: ~50–200 ms on 2 cores) is then paid alongside the gate's
 * start instead of after it. If the certificate comes before that exec is waiting for
 * it (the agent's container started last), `instead` (an exec through the engine's
 * API, faster than the CLI's) installs it and the early one is abandoned. The script
 * goes on only with a certificate: a closed stdin with nothing on it installs nothing.
 * The PEM travels on stdin, never on argv.
 */
export function earlyCaInstall(runner: Runner, agent: string, instead?: (certificate: string) => Promise<void>): EarlyCaInstall {
  let feed!: ReadableStreamDefaultController<Uint8Array>;
  const stdin = new ReadableStream<Uint8Array>({ start: (controller) => void (feed = controller) });
  // It says when it waits; $(cat) reads the whole PEM, and the script reads it back from its own stdin, as before.
  const wrapper = 'echo waiting && pem=$(cat) && [ -n "$pem" ] && printf \'%s\\n\' "$pem" | sh -c "$1" >/dev/null';
  let waiting = false;
  const running = runner.start(["docker", "exec", "--interactive", "--user", "0", agent, "sh", "-c", wrapper, "sh", INSTALL_CA_SCRIPT], {
    stdin,
    check: false,
    onOutput: (chunk, stream) => void (stream === "stdout" && chunk.includes("waiting") && (waiting = true)),
  });
  // Its outcome is `finish`'s to report; an abandoned one's is nobody's.
  running.exited.catch(() => {});
  let open = true;
  const close = () => {
    if (open) feed.close();
    open = false;
  };
  return {
    async finish(certificate) {
      if (!waiting && instead !== undefined) {
        close();
        return instead(certificate);
      }
      feed.enqueue(new TextEncoder().encode(certificate));
      close();
      const result = await running.exited;
      if (result.exitCode !== 0) {
        const detail = result.stderr.trim().split("\n").pop();
        throw new BottleError(`installing the gate's CA certificate in ${agent} failed (exit ${result.exitCode}${detail ? `: ${detail}` : ""})`);
      }
    },
    abandon() {
      close();
    },
  };
}
