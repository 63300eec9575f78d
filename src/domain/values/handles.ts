/** GitHub logins: 1–39 characters, letters, digits and single hyphens, not starting or ending with a hyphen. */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

export function parseHandle(text: string): string | undefined {
  const login = text.trim().replace(/^@/, "");
  return LOGIN.test(login) ? login : undefined;
}
