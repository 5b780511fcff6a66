import { PassThrough } from "stream";
import { renderToPipeableStream } from "react-dom/server";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import {
  createReadableStreamFromReadable,
  type AppLoadContext,
  type EntryContext,
  type HandleErrorFunction,
} from "@remix-run/node";
import { isbot } from "isbot";
import { getEnv } from "~/env.server";
import { frameAncestors } from "~/security-headers.server";
import { warnThrottled } from "~/throttled-log.server";

// For server/proxy-answers.ts: the storefront's busiest path, without Remix.
export { proxyAnswers } from "~/services/storefront-answer.server";

// Fail at boot, not on the first request, when the environment is incomplete.
getEnv();

export const streamTimeout = 5000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  responseHeaders.set("Content-Security-Policy", frameAncestors(loadContext));
  // An unknown path, or a method a route has no handler for: nothing to render.
  const refusal = routerRefusal(remixContext);
  if (refusal) {
    responseHeaders.set("Content-Type", "text/plain; charset=utf-8");
    // A page route answers 405 only when it has no action: it still renders.
    if (refusal.status === 405) responseHeaders.set("Allow", "GET, HEAD");
    return new Response(refusal.statusText, { status: refusal.status, headers: responseHeaders });
  }
  const userAgent = request.headers.get("user-agent");
  const callbackName = isbot(userAgent ?? "") ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error) {
        reject(error);
      },
      onError(error) {
        responseStatusCode = 500;
        console.error(error);
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
}

// Remix's default logs every error with its stack, the 404 of a mistyped or
// probing URL included: 1.3 KB a request, for anyone to fill the disk with.
// What a client caused (4xx) is counted instead; our own faults keep their stack.
export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  if (isRouteErrorResponse(error) && error.status < 500) {
    const { pathname } = new URL(request.url);
    warnThrottled(`[web] refused requests (${error.status})`, `${request.method} ${pathname.slice(0, 200)}`);
    return;
  }
  console.error(error);
};

function routerRefusal({ staticHandlerContext }: EntryContext) {
  return Object.values(staticHandlerContext.errors ?? {}).find(
    (error): error is { status: number; statusText: string } =>
      isRouteErrorResponse(error) &&
      (error as { internal?: boolean }).internal === true &&
      (error.status === 404 || error.status === 405),
  );
}
