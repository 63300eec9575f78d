/**
 * Headless Chromium for browser tests and doc screenshots, from the project's own npm install (ADR 0070).
 *
 * `@sparticuz/chromium` ships a Chromium build inside the npm package (brotli-compressed, with the NSS/NSPR/expat
 * libraries it links against and a font pack), so `npm ci` is the whole setup: no apt step, no browser download.
 * We unpack it ourselves instead of calling the package's `executablePath()`, because that writes to the shared
 * `/tmp/chromium` (and reuses whatever is there, whatever its version) and unpacks the libraries only on AWS Lambda,
 * while a bare Debian has no libnss3. Here every version unpacks once into `node_modules/.cache/`, atomically (a
 * rename), so parallel test workers and re-runs share one copy. Only this binary is ever used: no fallback to a
 * system browser, so a test cannot pass here and fail on a fresh machine.
 */
import { chmodSync, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { createBrotliDecompress } from "node:zlib";
import { extract } from "tar-fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

const require = createRequire(import.meta.url);

/** The flags every launch uses: the network is closed here, and there is no GPU and no setuid sandbox helper. */
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];

export interface PackagedChromium {
  executablePath: string;
  /** Environment additions: the bundled libraries and fonts. */
  env: Record<string, string>;
  version: string;
}

function packageDir(): { dir: string; version: string } {
  // The package exports no ./package.json: walk up from its entry point to its root.
  let dir = dirname(require.resolve("@sparticuz/chromium"));
  while (!existsSync(join(dir, "package.json")) || !existsSync(join(dir, "bin", "chromium.br"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("@sparticuz/chromium is installed without bin/chromium.br: run `npm ci`");
    dir = up;
  }
  const { version } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string };
  return { dir, version };
}

/** Unpacks the packaged Chromium (once per version) and returns where it is. */
export async function packagedChromium(cacheRoot = resolve("node_modules/.cache/converge-chromium")): Promise<PackagedChromium> {
  const { dir, version } = packageDir();
  const target = join(cacheRoot, version);
  const result = (): PackagedChromium => ({
    executablePath: join(target, "chromium"),
    env: { LD_LIBRARY_PATH: join(target, "lib"), FONTCONFIG_PATH: target },
    version,
  });
  if (existsSync(join(target, "chromium"))) return result();

  const staging = `${target}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  try {
    const bin = join(dir, "bin");
    await pipeline(createReadStream(join(bin, "chromium.br")), createBrotliDecompress(), createWriteStream(join(staging, "chromium")));
    chmodSync(join(staging, "chromium"), 0o755);
    // al2023.tar: lib/ with libnss3, libnspr4, libexpat…; fonts.tar: fonts/ (Open Sans) and a fonts.conf for /tmp.
    for (const pack of ["al2023.tar.br", "fonts.tar.br"]) {
      await pipeline(createReadStream(join(bin, pack)), createBrotliDecompress(), extract(staging));
    }
    // The package's fonts.conf names /tmp/fonts; point fontconfig at our copy instead.
    writeFileSync(
      join(staging, "fonts.conf"),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${target}/fonts</dir>\n  <cachedir>${target}/fonts-cache</cachedir>\n</fontconfig>\n`,
    );
    try {
      renameSync(staging, target);
    } catch (error) {
      // Another worker won the race: its copy is identical.
      if (!existsSync(join(target, "chromium"))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return result();
}

/** Launches the packaged Chromium with playwright-core. */
export async function launchChromium(): Promise<Browser> {
  const packaged = await packagedChromium();
  return chromium.launch({
    executablePath: packaged.executablePath,
    args: CHROMIUM_ARGS,
    env: { ...process.env, ...packaged.env } as Record<string, string>,
    timeout: 60_000,
  });
}

/** One Chromium for a test file: launched before its tests, closed after them. Returns the running browser's getter. */
export function browserForFile(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (browser === undefined) throw new Error("Chromium is not running: its launch failed before the tests");
    return browser;
  };
}
