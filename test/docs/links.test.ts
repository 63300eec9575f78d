import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Docs users can follow: every relative link in README.md and docs/ points at a file of the checkout, and a link to
 * a heading (`config.md#delivery`) points at a heading that exists. External links are not fetched (no network).
 */
const ROOT = new URL("../../", import.meta.url).pathname;

function markdownFiles(dir = "docs"): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith(".md") ? [join(dir, e.name)] : [],
  );
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    out.add(m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-"));
  }
  return out;
}

const files = ["README.md", ...markdownFiles()];
const links = files.flatMap((file) => {
  const text = readFileSync(join(ROOT, file), "utf8").replace(/```[\s\S]*?```/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((href) => !/^[a-z]+:/i.test(href) && !href.startsWith("#"))
    .map((href) => ({ file, href }));
});

describe("links in the docs", () => {
  it("finds the docs' relative links", () => expect(links.length).toBeGreaterThan(20));

  it.each(links)("$file → $href", ({ file, href }) => {
    const [path, anchor] = href.split("#") as [string, string | undefined];
    const target = normalize(join(ROOT, dirname(file), decodeURIComponent(path)));
    expect(existsSync(target), `${file} links to ${href}, which does not exist`).toBe(true);
    if (anchor && target.endsWith(".md")) expect(anchors(readFileSync(target, "utf8")), `${file} links to a missing heading #${anchor}`).toContain(anchor);
  });
});
