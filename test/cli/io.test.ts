import { afterEach, describe, expect, it, vi } from "vitest";
import { releaseParsedText } from "../../src/cli/io.js";

describe("releaseParsedText", () => {
  const original = (globalThis as { gc?: unknown }).gc;
  afterEach(() => {
    (globalThis as { gc?: unknown }).gc = original;
  });

  it("runs a full collection when the process exposes gc (--expose-gc), once", () => {
    const gc = vi.fn();
    (globalThis as { gc?: unknown }).gc = gc;
    releaseParsedText();
    expect(gc).toHaveBeenCalledTimes(1);
  });

  it("does nothing, and does not throw, without --expose-gc", () => {
    (globalThis as { gc?: unknown }).gc = undefined;
    expect(() => releaseParsedText()).not.toThrow();
  });
});
