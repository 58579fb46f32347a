import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { CancelledError } from "../../src/errors.js";
import { createInquirerPrompter, isInteractive } from "../../src/ui/prompts.js";

describe("the interactive policy", () => {
  it.each([
    [true, {}, true],
    [false, {}, false],
    [true, { CI: "true" }, false],
    [true, { CI: "1" }, false],
    [true, { CI: "" }, true],
    [true, { CI: "false" }, true],
    [true, { CI: "0" }, true],
  ])("terminal %s with %j → interactive %s", (stdinIsTTY, env, expected) => {
    expect(isInteractive({ stdinIsTTY, env })).toBe(expected);
  });
});

describe("the inquirer prompter", () => {
  it("turns Ctrl-C in a terminal into a cancellation", async () => {
    // A terminal-like input, so that readline reads keys in raw mode.
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
    const output = new PassThrough();
    output.resume();
    const prompter = createInquirerPrompter({ input, output });
    const asked = prompter.input({ message: "Titre :" });
    setTimeout(() => input.write("\u0003"), 20);
    await expect(asked).rejects.toBeInstanceOf(CancelledError);
  });

  it("reads an answer typed on its input and writes the question to its output (stderr in pile)", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = "";
    output.on("data", (chunk: Buffer) => {
      shown += chunk.toString();
    });
    const prompter = createInquirerPrompter({ input, output });
    const asked = prompter.input({ message: "Titre :" });
    setTimeout(() => input.write("Atelier vélo\n"), 20);
    await expect(asked).resolves.toBe("Atelier vélo");
    expect(shown).toContain("Titre :");
  });
});
