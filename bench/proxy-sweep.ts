// Throughput and latency of both servers at several concurrencies, short
// phases alternated server by server: where the box's knee is, so the fixed
// concurrency the targets are judged at can be read against it.
import { fireProxy } from "./proxy-load";
import type { ProxyUrls } from "./proxy-urls";

export const SWEEP_CONNECTIONS = [8, 16, 32, 64];
export const SWEEP_SECONDS = 5;

export interface SweepPoint {
  requestsPerSecond: number;
  p50: number;
  p99: number;
}

export interface SweepRow {
  connections: number;
  tally: SweepPoint;
  baseline: SweepPoint;
}

export async function sweepProxy(
  servers: { tally: string; baseline: string },
  urls: ProxyUrls,
): Promise<SweepRow[]> {
  const rows: SweepRow[] = [];
  const point = async (baseUrl: string, connections: number): Promise<SweepPoint> => {
    const load = await fireProxy({ baseUrl, urls, connections, seconds: SWEEP_SECONDS });
    return { requestsPerSecond: load.requestsPerSecond, p50: load.latencyMs.p50, p99: load.latencyMs.p99 };
  };
  for (const connections of SWEEP_CONNECTIONS) {
    const tally = await point(servers.tally, connections);
    const baseline = await point(servers.baseline, connections);
    rows.push({ connections, tally, baseline });
  }
  return rows;
}
