import { expect, test } from "bun:test";
import { printable } from "../../../src/core/printable.ts";

test("escape sequences an agent writes cannot redraw a person's terminal", () => {
  expect(printable("ok\u001b[2J\u001b[Happroved")).toBe("ok\\u001b[2J\\u001b[Happroved");
  expect(printable("8-bit CSI \u009b2J, bell \u0007, DEL \u007f")).toBe("8-bit CSI \\u009b2J, bell \\u0007, DEL \\u007f");
  expect(printable("line\nbreak\rreturn")).toBe("line\\u000abreak\\u000dreturn");
  expect(printable("line\nbreak", { keepNewlines: true })).toBe("line\nbreak");
  expect(printable("tabs\tand ünïcode stay")).toBe("tabs\tand ünïcode stay");
});

test("invisible format characters are shown, so the text a person reads is the text in force", () => {
  // The attack (a hunt for leaks, this round): a right-to-left override reorders what a
  // terminal shows; zero-width characters hide in a host or a ref a person approves.
  expect(printable("evil\u202ecom.elgoog")).toBe("evil\\u202ecom.elgoog");
  expect(printable("a\u200bb\u200dc\u2066d\u2069\ufeffe\u00adf")).toBe("a\\u200bb\\u200dc\\u2066d\\u2069\\ufeffe\\u00adf");
});
