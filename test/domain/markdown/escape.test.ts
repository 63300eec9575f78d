import { describe, expect, it } from "vitest";
import MarkdownIt from "markdown-it";
import { escapeCode, escapeInline, neutralizeMentions } from "../../../src/domain/markdown/escape.js";

const md = new MarkdownIt({ html: true, linkify: false });

describe("escapeInline", () => {
  it("keeps the text readable but renders no markup from it", () => {
    const hostile = "**bold** [link](http://x) <img src=x onerror=alert(1)> `code` | cell";
    const html = md.renderInline(escapeInline(hostile));
    expect(html).not.toMatch(/<strong>|<a |<img|<code>/);
    expect(html).toContain("**bold**");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("does not let a pipe split a table cell", () => {
    const table = `| a | b |\n|---|---|\n| ${escapeInline("x | y")} | z |`;
    const html = md.render(table);
    expect(html.match(/<td>/g)).toHaveLength(2);
  });

  it("neutralises @-mentions of users and teams", () => {
    const out = escapeInline("ping @octocat and @acme/ot-security");
    expect(out).not.toMatch(/@[A-Za-z]/);
    expect(out).toContain("@&#8203;octocat");
  });

  it("collapses newlines so a value cannot start a heading or list", () => {
    const out = escapeInline("line one\n### Heading\n- item");
    expect(md.render(out)).not.toMatch(/<h3>|<li>/);
  });

  it("truncates very long values", () => {
    expect(escapeInline("x".repeat(1000), 50).length).toBeLessThanOrEqual(50);
  });
});

describe("escapeCode", () => {
  it("wraps text containing backticks in a longer fence", () => {
    const html = md.renderInline(escapeCode("a `b` c"));
    expect(html).toBe("<code>a `b` c</code>");
  });
});

describe("neutralizeMentions", () => {
  it("leaves e-mail-like and lone @ alone where no login follows", () => {
    expect(neutralizeMentions("a @ b")).toBe("a @ b");
  });
});
