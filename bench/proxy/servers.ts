/**
 * The processes a proxy benchmark starts — origin, gate, squid, tinyproxy — each its own
 * process through the one runner, and the probes it reads them with (port, RSS).
 */
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { processRunner, type RunningProcess } from "../../src/core/runner.ts";

const ROOT = join(import.meta.dir, "../..");

/** Starts a server process and waits for `pattern` in its output (its port, its banner). */
export async function startServer(argv: string[], pattern: RegExp, env: Record<string, string> = {}): Promise<{ child: RunningProcess; match: RegExpMatchArray }> {
  let output = "";
  let found: (match: RegExpMatchArray) => void = () => {};
  const ready = new Promise<RegExpMatchArray>((resolve) => (found = resolve));
  const child = processRunner.start(argv, {
    check: false,
    env,
    onOutput: (chunk) => {
      output += chunk;
      const match = output.match(pattern);
      if (match) found(match);
    },
  });
  const timeout = Bun.sleep(15_000).then(() => {
    throw new Error(`${argv[0]} did not start: ${output}`);
  });
  return { child, match: await Promise.race([ready, timeout]) };
}

/** Waits until something accepts on `port`. */
export async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const ok = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } }).then((socket) => (socket.end(), true), () => false);
    if (ok) return;
    await Bun.sleep(100);
  }
  throw new Error(`nothing listens on ${port}`);
}

/** A process's resident set in KiB. */
export function rssKiB(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, "utf8").then((text) => Number(/VmRSS:\s+(\d+)/.exec(text)?.[1] ?? NaN));
}

/** CPU time (user + system) a process has used, in ms, from `/proc/PID/stat` (100 Hz ticks). */
export async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).replace(/^.*\) /, "").split(" ");
  // After the command name: state is field 3, utime 14 and stime 15 (1-based, man 5 proc).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

/**
 * The gate from source (or `gateBin`, or another checkout's source at `root`), with
 * `egress` YAML lines and the audit on; with `control`, its control port too.
 */
export async function startGate(dir: string, egress: string, options: { gateBin?: string; root?: string; control?: boolean } = {}) {
  const config = join(dir, "gate.yaml");
  // The audit goes to a folder of its own: the gate watches its config's folder, and an
  // audit line per request there costs ~9% of the gate's CPU in Bun 1.4.5's fs.watch events.
  await mkdir(join(dir, "audit"), { recursive: true });
  await writeFile(config, `listen: 127.0.0.1:0\n${options.control ? "control: 127.0.0.1:0\n" : ""}audit: ${join(dir, "audit", "audit.jsonl")}\negress:\n${egress}`);
  const argv = options.gateBin === undefined ? [process.execPath, join(options.root ?? ROOT, "src/cli/main.ts")] : [options.gateBin];
  const banner = options.control ? /listening on 127\.0\.0\.1:(\d+)\n.*control on 127\.0\.0\.1:(\d+)/ : /listening on 127\.0\.0\.1:(\d+)/;
  const started = await startServer([...argv, "gate", "--config", config], banner);
  return { child: started.child, port: Number(started.match[1]), controlPort: Number(started.match[2] ?? 0) };
}

/**
 * squid (Debian's 5.7) as a plain forward proxy: one worker, no cache, no logs, every
 * client and every CONNECT port allowed (like the gate's `*` here), loopback only.
 */
export async function startSquid(dir: string): Promise<{ child: RunningProcess; port: number }> {
  const port = await freePort();
  const config = join(dir, "squid.conf");
  // squid drops to the `proxy` user when started as root: its log must be writable by it.
  await chmod(dir, 0o777);
  await writeFile(config, [
    `http_port 127.0.0.1:${port}`,
    "workers 1",
    "cache deny all",
    "cache_mem 0 MB",
    "access_log none",
    "cache_store_log none",
    `cache_log ${join(dir, "squid-cache.log")}`,
    "pid_filename none",
    "http_access allow all",
    "shutdown_lifetime 0 seconds",
    "via off",
    "forwarded_for delete",
    "",
  ].join("\n"));
  const child = processRunner.start(["squid", "-N", "-f", config], { check: false });
  await waitForPort(port);
  return { child, port };
}

/** tinyproxy (Debian's 1.11), `LogLevel Critical`, no `ConnectPort` restriction. */
export async function startTinyproxy(dir: string): Promise<{ child: RunningProcess; port: number }> {
  const port = await freePort();
  const config = join(dir, "tinyproxy.conf");
  await writeFile(config, `Port ${port}\nListen 127.0.0.1\nTimeout 600\nMaxClients 200\nLogLevel Critical\nAllow 127.0.0.1\n`);
  const child = processRunner.start(["tinyproxy", "-d", "-c", config], { check: false });
  await waitForPort(port);
  return { child, port };
}

/** A self-signed certificate for `localhost` (openssl), for the origin's TLS port. */
export async function makeCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, "origin.pem");
  const key = join(dir, "origin.key");
  await processRunner.run(
    ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
    { cwd: dir },
  );
  return { cert, key };
}
