import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { processRunner } from "../../src/core/runner.ts";

/** Makes in `dir` a one-day CA (`ca.pem`) and a leaf for `bench.test` and `*.bench.test`
 * signed by it (`server.pem`, `server.key`), P-256, with openssl: the benchmarks'
 * HTTPS origin, which the gate must verify. */
export async function makeOriginCertificates(dir: string): Promise<void> {
  const openssl = (args: string[]) => processRunner.run(["openssl", ...args], { cwd: dir });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  await openssl(["req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=bench origin CA"]);
  await openssl(["req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=bench.test"]);
  await writeFile(join(dir, "ext"), "subjectAltName=DNS:*.bench.test,DNS:bench.test\n");
  await openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "1", "-extfile", "ext"]);
}
