import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * `GET /health` for load balancers, Docker's HEALTHCHECK and Kubernetes probes: 200 with a small JSON body while the
 * process serves. Added through Probot 14's `addHandler`; other paths fall through to Probot's handlers.
 */
export function healthHandler(info: { queue: "in-process" | "redis" }, started = Date.now()) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== "/health" || (req.method !== "GET" && req.method !== "HEAD")) return false;
    const body = JSON.stringify({ status: "ok", uptimeSeconds: Math.round((Date.now() - started) / 1000), queue: info.queue });
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}
