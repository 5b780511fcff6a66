import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { WireAnswer } from "~/proxy.server";
import { proxyAnswers } from "../../server/proxy-answers";

// The production server's socket-level path for app-proxy GETs, with answers
// that record what they were given; anything it does not take goes to the
// fallback, as it goes to Express in server/app.ts.
const seen: string[] = [];
const answers: Record<string, (search: string) => Promise<WireAnswer>> = {
  customer: async (search) => {
    seen.push(search);
    return {
      status: 200,
      headers: { "Content-Type": "application/json", "Cache-Control": "private, no-store" },
      body: JSON.stringify({ search, note: "é" }),
    };
  },
  broken: async () => {
    throw new Error("the database went away");
  },
};

let server: Server;
let base: string;

beforeAll(async () => {
  const answer = proxyAnswers(answers);
  server = createServer((req, res) => {
    if (!answer(req, res)) res.writeHead(418).end("fallback");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("app-proxy GETs answered from the socket", () => {
  it("hands the raw query string to the answer and writes its status, headers and body", async () => {
    const response = await fetch(`${base}/proxy/customer?shop=a.myshopify.com&signature=ab%20c`);

    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(response.headers.get("content-length")).toBe(
      String(Buffer.byteLength(await response.clone().text())),
    );
    expect(await response.json()).toEqual({ search: "?shop=a.myshopify.com&signature=ab%20c", note: "é" });
  });

  it("gives the answer an empty query when there is none", async () => {
    await fetch(`${base}/proxy/customer`);
    expect(seen.at(-1)).toBe("");
  });

  it("leaves every other request to the rest of the app", async () => {
    const statuses = await Promise.all(
      [
        fetch(`${base}/proxy/customer`, { method: "POST", body: "{}" }),
        fetch(`${base}/proxy/redeem?x=1`),
        fetch(`${base}/proxy/customer/more`),
        fetch(`${base}/proxy/__proto__`),
        fetch(`${base}/proxy/constructor`),
        fetch(`${base}/webhooks/orders/paid`),
      ].map(async (request) => (await request).status),
    );

    expect(statuses).toEqual([418, 418, 418, 418, 418, 418]);
  });

  it("answers 500 and logs when the answer fails, and keeps serving", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});

    const failed = await fetch(`${base}/proxy/broken?signature=secret-looking`);
    const next = await fetch(`${base}/proxy/customer?after=1`);

    expect(failed.status).toBe(500);
    expect(next.status).toBe(200);
    expect(error).toHaveBeenCalledTimes(1);
    // The log names the path, not the query (it carries the customer and the signature).
    expect(String(error.mock.calls[0]![0])).toBe("[web] /proxy/broken:");
    error.mockRestore();
  });
});
