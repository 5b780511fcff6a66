import autocannon from "autocannon";
import type { ProxyUrls } from "./proxy-urls";

export interface ProxyLoad {
  connections: number;
  seconds: number;
  /** 2xx answers per second over the phase. */
  requestsPerSecond: number;
  ok: number;
  non2xx: number;
  /** Requests that got no status at all (socket errors, timeouts). */
  errors: number;
  /** Of 2xx answers only, as autocannon records them (whole milliseconds). */
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

/** `GET`s signed proxy paths from `urls` at `baseUrl` over a fixed number of connections for `seconds`. */
export async function fireProxy(options: {
  baseUrl: string;
  urls: ProxyUrls;
  connections: number;
  seconds: number;
}): Promise<ProxyLoad> {
  const result = await autocannon({
    url: options.baseUrl,
    connections: options.connections,
    duration: options.seconds,
    timeout: 10,
    requests: [
      {
        setupRequest: (request) => ({ ...request, method: "GET", path: options.urls.take() }),
      },
    ],
  });
  const { p50, p90, p99, max } = result.latency;
  return {
    connections: options.connections,
    seconds: result.duration,
    requestsPerSecond: result["2xx"] / result.duration,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    latencyMs: { p50, p90, p99, max },
  };
}
