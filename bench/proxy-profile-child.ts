// Where an app-proxy answer's time goes, run by bench/proxy-profile.ts in a
// process of its own with the app's environment: the answer the production
// server writes to the socket (proxyAnswers.customer) made one request at a
// time, no HTTP in front, every SQL statement it sends recorded at
// node-postgres, then the parts timed apart: the signature check, the same
// statements sent raw, and PostgreSQL's own plan for each; and, for
// comparison, shopify-api's own signature check, which Tally's replaces
// (docs/decisions/0016). Writes the figures as JSON to PROFILE_RESULT.
import { writeFile } from "node:fs/promises";
import pg from "pg";
import { signAppProxyUrl } from "../test/mocks/shopify/sign-app-proxy-url";
import { libraryAppProxyCheck } from "../test/support/library-app-proxy-check";
import { needEnv, runChild } from "./child";

export interface Timing {
  wallMs: number;
  cpuMs: number;
}

export interface StatementProfile {
  sql: string;
  /** Times one answer sends it. */
  perAnswer: number;
  /** From the call to the rows, answers running. */
  wallMs: number;
  /** EXPLAIN (ANALYZE, BUFFERS) with the last answer's values. */
  planningMs: number;
  executionMs: number;
  sharedBuffers: number;
}

export interface ProfileResult {
  answers: number;
  /** proxyAnswers.customer: everything but HTTP. */
  answer: Timing;
  /** identifyProxyCaller: the signature check with node:crypto. */
  signature: Timing;
  /** shopify-api's utils.validateHmac (signator appProxy, WebCrypto) on the same queries. */
  libraryCheck: Timing;
  /** One answer's statements, in the order sent, raw through a pg.Pool of their own. */
  rawStatements: Timing;
  statements: StatementProfile[];
}

const ANSWERS = 500;
const WARM_UP = 300;

const need = (name: string) => needEnv(name, "bench/proxy-profile.ts");

type Sent = { name?: string; text: string; values: unknown[]; wallMs: number };
const sent: Sent[] = [];
let recording = false;

// The app sends every statement as pool.query({ text, values, … }).
const query = pg.Pool.prototype.query;
(pg.Pool.prototype as { query: unknown }).query = function (this: pg.Pool, ...args: unknown[]) {
  const started = performance.now();
  const result = (query as (...a: unknown[]) => unknown).apply(this, args);
  const config = args[0] as { name?: string; text?: string; values?: unknown[] } | string;
  if (recording && typeof config === "object" && config.text && result instanceof Promise) {
    void result.then(
      () =>
        sent.push({
          name: config.name,
          text: config.text!,
          values: config.values ?? [],
          wallMs: performance.now() - started,
        }),
      () => {},
    );
  }
  return result;
};

async function timed(count: number, run: (i: number) => Promise<unknown>): Promise<Timing> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < count; i++) await run(i);
  const used = process.cpuUsage(cpu);
  return { wallMs: (performance.now() - started) / count, cpuMs: (used.user + used.system) / 1000 / count };
}

async function main(): Promise<void> {
  const shop = need("PROFILE_SHOP");
  const members = Number(need("PROFILE_MEMBERS"));
  const secret = need("SHOPIFY_API_SECRET");
  const { proxyAnswers } = await import("~/services/storefront-answer.server");
  const { identifyProxyCaller } = await import("~/proxy.server");
  const libraryValidates = libraryAppProxyCheck(secret);

  // Signed just before each use: the app allows 90 s of clock skew.
  const queries = (count: number) =>
    Array.from(
      { length: count },
      () =>
        new URL(
          signAppProxyUrl({
            secret,
            shop,
            url: "http://app.invalid/proxy/customer",
            loggedInCustomerId: String(1 + Math.floor(Math.random() * members)),
          }),
        ).search,
    );
  const answer = async (search: string) => {
    const { status } = await proxyAnswers.customer!(search);
    if (status !== 200) throw new Error(`the answer was ${status}`);
  };

  for (const search of queries(WARM_UP)) await answer(search);
  let batch = queries(ANSWERS);
  recording = true;
  const answerTiming = await timed(ANSWERS, (i) => answer(batch[i]!));
  recording = false;

  batch = queries(ANSWERS);
  const signature = await timed(ANSWERS, async (i) => identifyProxyCaller(batch[i]!));
  const libraryCheck = await timed(ANSWERS, (i) => libraryValidates(new URLSearchParams(batch[i]!)));

  const byText = new Map<string, { name?: string; count: number; wallMs: number; values: unknown[] }>();
  for (const statement of sent) {
    const seen = byText.get(statement.text) ?? {
      name: statement.name,
      count: 0,
      wallMs: 0,
      values: statement.values,
    };
    seen.count++;
    seen.wallMs += statement.wallMs;
    seen.values = statement.values;
    byText.set(statement.text, seen);
  }
  // What answers send, leaving out the shop side's reload every few seconds.
  const perAnswer = [...byText].filter(([, seen]) => seen.count >= ANSWERS / 10);

  const pool = new pg.Pool({ connectionString: need("DATABASE_URL"), max: 4 });
  try {
    const rawStatements = await timed(ANSWERS, async () => {
      for (const [text, seen] of perAnswer) {
        for (let k = 0; k < Math.round(seen.count / ANSWERS); k++) {
          // Prepared under the same name, as the app sends it.
          await pool.query({ name: seen.name, text, values: seen.values });
        }
      }
    });
    const statements: StatementProfile[] = [];
    for (const [text, seen] of perAnswer) {
      const { rows } = await pool.query<{ "QUERY PLAN": Array<Record<string, unknown>> }>(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`,
        seen.values,
      );
      const plan = rows[0]!["QUERY PLAN"][0]!;
      statements.push({
        sql: text,
        perAnswer: seen.count / ANSWERS,
        wallMs: seen.wallMs / seen.count,
        planningMs: plan["Planning Time"] as number,
        executionMs: plan["Execution Time"] as number,
        sharedBuffers:
          (plan.Plan as Record<string, number>)["Shared Hit Blocks"]! +
          (plan.Plan as Record<string, number>)["Shared Read Blocks"]!,
      });
    }
    const result: ProfileResult = {
      answers: ANSWERS,
      answer: answerTiming,
      signature,
      libraryCheck,
      rawStatements,
      statements,
    };
    await writeFile(need("PROFILE_RESULT"), JSON.stringify(result));
  } finally {
    await pool.end();
  }
}

runChild(main, async () => {
  // Ends the shared pool too (app/db.server.ts).
  const { prisma } = await import("~/db.server");
  await prisma.$disconnect();
});
