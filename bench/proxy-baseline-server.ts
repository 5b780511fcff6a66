// The app-proxy benchmark's baseline, started by bench/proxy-baseline.ts: the
// least a Node server does to answer GET /proxy/customer. One indexed lookup
// on a pg.Pool as large as the app's, a JSON answer; no signature check, no
// session, no framework.
import { createServer } from "node:http";
import pg from "pg";
import { needEnv } from "./child";

const need = (name: string) => needEnv(name, "bench/proxy-baseline.ts");

const pool = new pg.Pool({ connectionString: need("DATABASE_URL"), max: Number(need("BASELINE_POOL_SIZE")) });

const server = createServer((request, response) => {
  const params = new URL(request.url ?? "/", "http://baseline").searchParams;
  const customerGid = `gid://shopify/Customer/${params.get("logged_in_customer_id") ?? ""}`;
  pool
    .query<{ points: number; pendingPoints: number }>(
      `SELECT points, "pendingPoints" FROM "Member" WHERE shop = $1 AND "customerGid" = $2`,
      [params.get("shop") ?? "", customerGid],
    )
    .then(({ rows }) => {
      const member = rows[0];
      const body = JSON.stringify({
        loggedIn: true,
        points: member?.points ?? 0,
        pendingPoints: member?.pendingPoints ?? 0,
      });
      response.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "private, no-store" });
      response.end(body);
    })
    .catch((error: unknown) => {
      console.error(error);
      response.writeHead(500).end();
    });
});

server.listen(Number(need("PORT")), "127.0.0.1", () => console.info("[baseline] listening"));

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => server.close(() => void pool.end().then(() => process.exit(0))));
}
