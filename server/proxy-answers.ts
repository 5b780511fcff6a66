import type { IncomingMessage, ServerResponse } from "node:http";
import type { WireAnswer } from "~/proxy.server";

type ProxyAnswers = Record<string, (search: string) => Promise<WireAnswer>>;

/**
 * GET /proxy/<name> answered straight from the socket, before Express and
 * Remix: every page a signed-in shopper views asks once, and building a
 * Fetch Request and Response and walking two routers for a JSON answer cost
 * more than the answer (docs/decisions/0016). Returns false for any other
 * request, which then goes to Express as usual.
 */
export function proxyAnswers(answers: ProxyAnswers) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? "";
    if (req.method !== "GET" || !url.startsWith("/proxy/")) return false;
    const query = url.indexOf("?");
    const name = url.slice("/proxy/".length, query === -1 ? undefined : query);
    const answer = Object.hasOwn(answers, name) ? answers[name] : undefined;
    if (!answer) return false;
    answer(query === -1 ? "" : url.slice(query)).then(
      ({ status, headers, body }) => {
        res.writeHead(status, { ...headers, "Content-Length": Buffer.byteLength(body) });
        res.end(body);
      },
      (error: unknown) => {
        console.error(`[web] ${url.slice(0, query === -1 ? undefined : query)}:`, error);
        res.writeHead(500).end();
      },
    );
    return true;
  };
}
