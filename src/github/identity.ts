import type { Probot } from "probot";

/**
 * Who Converge is on GitHub. Used to ignore the app's own events and to trust only comments the app authored:
 * a hidden marker in a comment written by anyone else is never trusted (roadmap: system of record).
 */
export interface AppIdentity {
  appId: number | undefined;
  /** App slug; the bot user is `${slug}[bot]`. */
  slug: string | undefined;
}

interface SenderLike {
  login: string;
  type?: string;
}

interface CommentLike {
  user: SenderLike | null;
  performed_via_github_app?: { id: number } | null;
}

export function botLogin(identity: AppIdentity): string | undefined {
  return identity.slug ? `${identity.slug}[bot]` : undefined;
}

/**
 * True when the event was caused by Converge itself. When the identity could not be resolved, every bot sender is
 * treated as possibly Converge: ignoring another bot's event is harmless, reacting to our own would loop.
 */
export function isOwnSender(sender: SenderLike | undefined | null, identity: AppIdentity): boolean {
  if (!sender) return false;
  const own = botLogin(identity);
  if (own) return sender.login === own;
  return sender.type === "Bot";
}

/** True only for comments Converge wrote: by app id when GitHub reports it, else by the bot login. */
export function isOwnComment(comment: CommentLike, identity: AppIdentity): boolean {
  const viaApp = comment.performed_via_github_app?.id;
  if (viaApp !== undefined && identity.appId !== undefined) return viaApp === identity.appId;
  const own = botLogin(identity);
  if (own) return comment.user?.login === own;
  // Identity unknown: only a bot account can have written it (people cannot post as type "Bot").
  return comment.user?.type === "Bot" && viaApp !== undefined;
}

/**
 * Resolve the identity once per process with the app's JWT (`GET /app`). Falls back to APP_ID / APP_SLUG from the
 * environment (e.g. when running in GitHub Actions with a token, where `GET /app` is not available).
 */
export function identityResolver(app: Probot): () => Promise<AppIdentity> {
  let cached: Promise<AppIdentity> | undefined;
  return () => {
    cached ??= (async () => {
      const fromEnv: AppIdentity = {
        appId: process.env.APP_ID ? Number(process.env.APP_ID) : undefined,
        slug: process.env.APP_SLUG || undefined,
      };
      if (fromEnv.slug && fromEnv.appId) return fromEnv;
      try {
        const octokit = await app.auth();
        const { data } = await octokit.request("GET /app");
        return { appId: data?.id ?? fromEnv.appId, slug: data?.slug ?? fromEnv.slug };
      } catch (error) {
        app.log.warn({ err: error }, "could not resolve the app identity with GET /app; treating every bot as possibly Converge");
        cached = undefined; // try again on the next event
        return fromEnv;
      }
    })();
    return cached;
  };
}
