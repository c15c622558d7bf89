import { expect, test } from "bun:test";
import { printable } from "../../../../../src/gate/services/supervise/printable.ts";

test("escape sequences an agent writes cannot redraw a person's terminal", () => {
  expect(printable("ok\u001b[2J\u001b[Happroved")).toBe("ok\\u001b[2J\\u001b[Happroved");
  expect(printable("8-bit CSI \u009b2J, bell \u0007, DEL \u007f")).toBe("8-bit CSI \\u009b2J, bell \\u0007, DEL \\u007f");
  expect(printable("line\nbreak\rreturn")).toBe("line\\u000abreak\\u000dreturn");
  expect(printable("line\nbreak", { keepNewlines: true })).toBe("line\nbreak");
  expect(printable("tabs\tand ünïcode stay")).toBe("tabs\tand ünïcode stay");
});
