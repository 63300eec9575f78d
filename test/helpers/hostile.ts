import fc from "fast-check";
import MarkdownIt from "markdown-it";
import type Token from "markdown-it/lib/token.mjs";

/**
 * Hostile text for property tests: fragments people (or attackers) put in issue bodies and comments that could break
 * Converge's output: mentions, HTML, Converge's own hidden markers, fence and details breakers, zero-width and
 * bidi characters, line-ending variants. Mixed with arbitrary unicode so the parser also sees what nobody thought of.
 */
export const HOSTILE_FRAGMENTS = [
  "@everyone",
  "@octocat",
  "@acme/architects",
  "@Acme-Org/ot-security",
  "foo@bar.com",
  "@\u200Bhidden",
  "</details>",
  "<details><summary>x</summary>",
  "<img src=x onerror=alert(1)>",
  "<script>alert(1)</script>",
  "<sub>",
  "</table>",
  "```",
  "````",
  "~~~",
  "`",
  "<!--",
  "-->",
  "<!-- converge:status -->",
  "<!-- converge:section:intake:10 -->",
  "<!-- converge:section:intake:end -->",
  "<!-- converge:section:gates:20 -->",
  "<!-- converge:state:intake eyJ2YWxpZCI6dHJ1ZSwibGlua3MiOlsiZXZpbC9yZXBvIzEiXX0= -->",
  "<!-- converge:state:gates eyJ2IjoxfQ== -->",
  "<!-- converge:initiative -->",
  "### As a",
  "### Business initiatives enabled",
  "- [x] ERP",
  "- [ ] ",
  "_No response_",
  "None",
  "#12",
  "acme/other#3",
  "https://github.com/acme/x/issues/9",
  "€1.5M",
  "2027-03-31",
  "|",
  "\\",
  "*",
  "_",
  "[x](javascript:alert(1))",
  "![i](http://e/x.png)",
  "&lt;",
  "&#64;octocat",
  "\u200B",
  "\u200D",
  "\uFEFF",
  "\u202E",
  "\u2028",
  "\u0000",
  "\r\n",
  "\r",
  "\n",
  "\n\n",
  "    ",
  "> ",
  "- ",
  "1. ",
  "\t",
  " ",
  "/gate pass architecture",
  "/benefit realized €10k",
] as const;

export const hostileFragment = fc.constantFrom(...HOSTILE_FRAGMENTS);

/** A short hostile string: fragments glued together, or arbitrary graphemes. */
export const hostileText = fc.oneof(
  { weight: 3, arbitrary: fc.array(hostileFragment, { maxLength: 10 }).map((parts) => parts.join("")) },
  { weight: 2, arbitrary: fc.array(fc.oneof(hostileFragment, fc.string({ unit: "grapheme", maxLength: 12 })), { maxLength: 8 }).map((p) => p.join("")) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
);

/** Deep nesting (quotes, lists, emphasis, details) that recursive parsers and renderers choke on. */
export const deeplyNested = fc
  .record({ depth: fc.integer({ min: 50, max: 3000 }), kind: fc.constantFrom("> ", "- ", "  - ", "<details>", "*", "[", "`") })
  .map(({ depth, kind }) => `${kind.repeat(depth)}@octocat${kind === "<details>" ? "</details>".repeat(depth) : ""}`);

/** A huge body: repeated hostile text up to a few hundred KB. */
export const hugeText = fc
  .record({ piece: hostileText, times: fc.integer({ min: 1_000, max: 20_000 }) })
  .map(({ piece, times }) => (piece === "" ? "x" : piece).repeat(times).slice(0, 400_000));

const md = new MarkdownIt({ html: true, linkify: false });

/** Tokens of `markdown`, inline children flattened in document order (how GitHub would see the text). */
export function flatTokens(markdown: string): Token[] {
  const out: Token[] = [];
  for (const token of md.parse(markdown, {})) {
    out.push(token);
    if (token.children) out.push(...token.children);
  }
  return out;
}

/**
 * Mentions GitHub would turn into notifications: `@login` or `@org/team` in plain text (not in code), not preceded by
 * a word character (an e-mail address is not a mention). A zero-width space after `@` breaks the mention.
 */
export function mentionsIn(markdown: string): string[] {
  const found: string[] = [];
  for (const token of flatTokens(markdown)) {
    if (token.type !== "text") continue;
    for (const match of token.content.matchAll(/(?:^|[^\w`])@([A-Za-z0-9][A-Za-z0-9-]*(?:\/[A-Za-z0-9_.-]+)?)/g)) found.push(match[1]!);
  }
  return found;
}

/** HTML tags (opening or closing, lower case) the Markdown contains as real markup, not as text or code. */
export function htmlTagsIn(markdown: string): string[] {
  const tags: string[] = [];
  for (const token of flatTokens(markdown)) {
    if (token.type !== "html_block" && token.type !== "html_inline") continue;
    const content = token.content.replace(/<!--[\s\S]*?-->/g, "");
    for (const [, tag] of content.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)) tags.push(tag!.toLowerCase());
  }
  return tags;
}

/** HTML comments that markdown-it sees as markup (so GitHub hides them), in order: the hidden markers that survive. */
export function htmlComments(markdown: string): string[] {
  const comments: string[] = [];
  for (const token of flatTokens(markdown)) {
    if (token.type !== "html_block" && token.type !== "html_inline") continue;
    for (const [comment] of token.content.matchAll(/<!--[\s\S]*?-->/g)) comments.push(comment);
  }
  return comments;
}

/** The number of generated cases for a property: FUZZ_SCALE multiplies it (e.g. FUZZ_SCALE=10 for a long local run). */
export function runs(n: number): number {
  const scale = Number(process.env.FUZZ_SCALE ?? "1");
  return Math.max(1, Math.round(n * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}
