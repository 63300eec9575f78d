import { describe, expect, it } from "vitest";
import { colorEnabled, painter } from "../../src/cli/style.js";
import { progressBar } from "../../src/cli/progress.js";

describe("colour and plain output", () => {
  it.each([
    [{ isTTY: true }, {}, true],
    [{ isTTY: true }, { NO_COLOR: "1" }, false],
    [{ isTTY: true }, { TERM: "dumb" }, false],
    [{ isTTY: false }, {}, false],
    [{}, {}, false],
    [{ isTTY: false }, { FORCE_COLOR: "1" }, true],
    [{ isTTY: true }, { FORCE_COLOR: "0" }, false],
    [{ isTTY: false }, { FORCE_COLOR: "1", NO_COLOR: "1" }, false],
  ])("stream %o with env %o: colour %s", (stream, env, expected) => {
    expect(colorEnabled(stream, env)).toBe(expected);
    const red = painter(stream, env).red("failed");
    expect(red === "failed").toBe(!expected);
  });

  it("draws progress on a terminal only, and clears the line when done", () => {
    const written: string[] = [];
    const tty = { isTTY: true, write: (t: string) => written.push(t) };
    const bar = progressBar(4, "checking", tty, { NO_COLOR: "1" });
    bar.tick("plant-iot");
    bar.tick("mes-core");
    bar.done();
    expect(written[0]!.startsWith("\r\u001b[2K")).toBe(true);
    expect(written[0]!.slice(5)).toMatch(/^checking █+░+ 1\/4 plant-iot$/);
    expect(written[1]).toContain("2/4 mes-core");
    expect(written.at(-1)).toBe("\r\u001b[2K");
    expect(written.join("")).not.toContain("\u001b[36m"); // NO_COLOR: the bar itself is not coloured

    const piped: string[] = [];
    const pipe = { isTTY: false, write: (t: string) => piped.push(t) };
    const none = progressBar(4, "checking", pipe, {});
    none.tick("plant-iot");
    none.done();
    expect(piped).toEqual([]);
  });
});
