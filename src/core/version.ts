import pkg from "../../package.json" with { type: "json" };

/** The bottle version, baked into the binary at compile time from package.json. */
export const VERSION: string = pkg.version;
