/**
 * The lines of a comment that may carry a slash command (`/gate …`, `/benefit …`): trimmed, skipping fenced code
 * blocks and `>` quotes, so pasting an example does not run it.
 *
 * Fences follow CommonMark (what GitHub renders): an opening fence is 3+ backticks or tildes indented at most three
 * spaces (a backtick fence's info string has no backtick); only a run of the SAME character, at least as long, with
 * nothing after it closes it. A looser rule (any ``` closes) let a command inside a ```` block, or after a ```js
 * line inside a block, run, while GitHub showed it as code.
 */
export function* commandLines(body: string): Generator<string> {
  let fence: { char: string; length: number } | undefined;
  for (const raw of body.split(/\r\n?|\n/)) {
    const marker = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(raw);
    if (fence) {
      if (marker?.[1] && marker[1][0] === fence.char && marker[1].length >= fence.length && marker[2]!.trim() === "") fence = undefined;
      continue;
    }
    if (marker?.[1] && !(marker[1][0] === "`" && marker[2]!.includes("`"))) {
      fence = { char: marker[1][0]!, length: marker[1].length };
      continue;
    }
    const line = raw.trim();
    if (line.startsWith(">")) continue;
    yield line;
  }
}
