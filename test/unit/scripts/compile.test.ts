import { describe, expect, test } from "bun:test";
import { compileArgv, ENTRY } from "../../../scripts/compile.ts";
import { RELEASE_TARGETS, releaseName } from "../../../scripts/release.ts";
import { VERSION } from "../../../src/core/version.ts";

describe("compileArgv", () => {
  test("compiles the CLI entry with dotenv and bunfig autoload off, minified, split and as bytecode", () => {
    const argv = compileArgv({ outfile: "/out/bottle" }, "/bin/bun");
    expect(argv.slice(0, 3)).toEqual(["/bin/bun", "build", "--compile"]);
    expect(argv).toContain("--no-compile-autoload-dotenv");
    expect(argv).toContain("--no-compile-autoload-bunfig");
    expect(argv).toContain("--minify");
    expect(argv).toContain("--splitting");
    expect(argv).toContain("--bytecode");
    expect(argv).toContain("--format=esm");
    expect(argv).toContain("--outfile=/out/bottle");
    expect(argv.at(-1)).toBe(ENTRY);
    expect(argv.some((word) => word.startsWith("--target"))).toBe(false);
  });

  test("a cross build names its target; bytecode only for this machine's OS", () => {
    const other = process.platform === "darwin" ? "linux" : "darwin";
    const cross = compileArgv({ outfile: "/out/b", target: `bun-${other}-arm64` }, "/bin/bun");
    expect(cross).toContain(`--target=bun-${other}-arm64`);
    expect(cross).not.toContain("--bytecode");
    expect(cross).toContain("--splitting");
    expect(compileArgv({ outfile: "/out/b", target: `bun-${process.platform as "linux"}-arm64` }, "/bin/bun")).toContain("--bytecode");
  });
});

describe("release", () => {
  test("ships linux and macOS, x64 and arm64", () => {
    expect([...RELEASE_TARGETS].sort()).toEqual(["bun-darwin-arm64", "bun-darwin-x64", "bun-linux-arm64", "bun-linux-x64"]);
  });

  test("names each binary bottle-<version>-<os>-<arch>", () => {
    expect(releaseName("bun-linux-arm64")).toBe(`bottle-${VERSION}-linux-arm64`);
  });
});
