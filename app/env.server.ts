import { isIP } from "node:net";
import { z } from "zod";

// Validated once at boot by both the web process (entry.server.tsx) and the
// worker (workers/index.ts): a missing secret stops the process with a clear
// message instead of surfacing later as an empty string.
const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url(),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  SHOPIFY_API_KEY: z.string().min(1),
  SHOPIFY_API_SECRET: z.string().min(1),
  SHOPIFY_APP_URL: z.string().url(),
  SCOPES: z.string().min(1),
  PORT: z.coerce.number().int().positive().default(3000),
  // Loopback unless told otherwise: a developer's machine does not expose the
  // app to its network by accident; a container sets 0.0.0.0 (all interfaces).
  HOST: z
    .string()
    .refine(
      (host) => isIP(host) !== 0 || /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(host),
      "must be an IP address to listen on (0.0.0.0 for every interface, 127.0.0.1 for this machine only) or a host name",
    )
    .default("127.0.0.1"),
  // Lets tests and benchmarks run beside a live demo on one Redis.
  TALLY_QUEUE_PREFIX: z.string().min(1).default("tally"),
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(16),
  // How long a job's lock lasts without renewal: a job whose worker died is
  // handed to another worker after about this long (BullMQ's stalled check
  // runs as often).
  WORKER_LOCK_MS: z.coerce.number().int().min(1_000).default(30_000),
  // How often each shop's recent orders are checked against the ledger
  // through Admin GraphQL (0 turns it off), and how far back each check looks.
  // Shopify retries a failed webhook for up to 48 hours, so 72 covers them all.
  RECONCILE_EVERY_MINUTES: z.coerce.number().int().nonnegative().default(60),
  RECONCILE_LOOKBACK_HOURS: z.coerce
    .number()
    .int()
    .positive()
    .max(24 * 60)
    .default(72),
});

export type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;

export function getEnv(): Env {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `  ${issue.path.join(".")}: ${issue.message}`)
      .join("\n");
    throw new Error(`Invalid environment (see .env.example):\n${problems}`);
  }
  cached = parsed.data;
  return cached;
}
