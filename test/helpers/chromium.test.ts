/**
 * The browser tests' Chromium comes from the npm install alone (ADR 0070): the binary is the packaged one, unpacked
 * under node_modules/.cache, it links only against what it bundles plus glibc, and it renders text with its own fonts.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { launchChromium, packagedChromium } from "./chromium.js";

const scratch = mkdtempSync(join(tmpdir(), "converge-chromium-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("packaged Chromium", () => {
  it("unpacks the npm package's binary, never a system browser", async () => {
    const packaged = await packagedChromium();
    expect(packaged.executablePath.startsWith(resolve("node_modules/.cache/converge-chromium"))).toBe(true);
    expect(packaged.executablePath).not.toMatch(/^\/usr\//);
  }, 120_000);

  it("needs no system library beyond glibc and libgcc: NSS, NSPR and expat come from its own lib/", async () => {
    const packaged = await packagedChromium(scratch);
    const out = execFileSync("ldd", [packaged.executablePath], { env: { ...process.env, ...packaged.env }, encoding: "utf8" });
    expect(out).not.toContain("not found");
    for (const lib of ["libnss3.so", "libnspr4.so", "libexpat.so.1"]) {
      const line = out.split("\n").find((l) => l.includes(lib));
      expect(line, lib).toContain(join(scratch, packaged.version, "lib"));
    }
  }, 120_000);

  it("launches with playwright-core and draws text with the bundled fonts", async () => {
    const browser = await launchChromium();
    try {
      const { version } = await packagedChromium();
      expect(browser.version().split(".")[0]).toBe(version.split(".")[0]);
      const page = await browser.newPage();
      await page.setContent('<p id="t" style="font: 20px sans-serif">Converge</p>');
      const width = await page.evaluate(() => document.getElementById("t")!.getBoundingClientRect().width);
      expect(width).toBeGreaterThan(40);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
