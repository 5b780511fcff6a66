import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { afterEach, describe, expect, it, vi } from "vitest";
import { webhookActions } from "../../server/webhook-actions";
import { signWebhook } from "#test/mocks/shopify/sign-webhook";

type Action = (args: { request: Request }) => Promise<unknown>;

let server: Server | undefined;

afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** The production server's webhook path, in front of a build whose routes are the given actions. */
async function serve(actions: Record<string, Action>): Promise<string> {
  const routes = Object.fromEntries(
    Object.entries(actions).map(([id, action]) => [id, { module: { action } }]),
  ) as unknown as ServerBuild["routes"];
  const app = express();
  app.post("/webhooks/*", webhookActions({ routes } as ServerBuild, "https://tally.test"));
  app.use((_req, res) => res.status(404).send("remix"));
  server = app.listen(0);
  await new Promise((resolve) => server!.once("listening", resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

/** A delivery with every header Shopify sends: the server refuses one without them unread. */
function delivery(body: string): RequestInit {
  const signed = signWebhook({ secret: "test-secret", shop: "a.myshopify.com", topic: "orders/paid", body });
  return { method: "POST", headers: signed.headers, body: signed.body };
}

describe("the production server's webhook path", () => {
  it("hands the route's action the exact bytes and headers Shopify sent, and answers with its response", async () => {
    let seen: { url: string; body: string; hmac: string | null } | undefined;
    const body = '{"id":820982911946154508, "note":"é"}';
    const sent = delivery(body);
    const base = await serve({
      "routes/webhooks.orders.paid": async ({ request }) => {
        seen = {
          url: request.url,
          body: await request.text(),
          hmac: request.headers.get("x-shopify-hmac-sha256"),
        };
        return new Response("ok", { status: 202, headers: { "X-Tally": "1" } });
      },
    });

    const response = await fetch(`${base}/webhooks/orders/paid`, sent);

    expect(response.status).toBe(202);
    expect(response.headers.get("x-tally")).toBe("1");
    expect(await response.text()).toBe("ok");
    expect(seen).toEqual({
      url: "https://tally.test/webhooks/orders/paid",
      body,
      hmac: (sent.headers as Record<string, string>)["X-Shopify-Hmac-Sha256"],
    });
  });

  it("answers a Response the action throws (authenticate.webhook's 401) as it is", async () => {
    const base = await serve({
      "routes/webhooks.orders.paid": async () => {
        throw new Response(undefined, { status: 401 });
      },
    });

    const response = await fetch(`${base}/webhooks/orders/paid`, delivery("{}"));

    expect(response.status).toBe(401);
  });

  it("answers 500 and logs when the action fails unexpectedly, so Shopify retries", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const base = await serve({
      "routes/webhooks.orders.paid": async () => {
        throw new Error("database unreachable");
      },
    });

    const response = await fetch(`${base}/webhooks/orders/paid`, delivery("{}"));

    expect(response.status).toBe(500);
    expect(errors).toHaveBeenCalled();
    errors.mockRestore();
  });

  it("leaves a path with no webhook route to Remix", async () => {
    const base = await serve({ "routes/webhooks.orders.paid": async () => new Response("ok") });

    const response = await fetch(`${base}/webhooks/products/update`, { method: "POST", body: "{}" });

    expect(response.status).toBe(404);
    expect(await response.text()).toBe("remix");
  });
});
