/** GitHub logins: 1–39 characters, letters, digits and single hyphens, not starting or ending with a hyphen. */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

export function parseHandle(text: string): string | undefined {
  const login = text.trim().replace(/^@/, "");
  return LOGIN.test(login) ? login : undefined;
}

/** The same account? GraphQL gives a bot's login without "[bot]", REST with it; logins ignore case. */
export function sameLogin(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/\[bot\]$/, "");
  return norm(a) === norm(b);
}
