import { apiError } from "./errors";

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

/** Shopify caps every connection page at 250 nodes. */
const MAX_PAGE = 250;

type Key = (string | number)[];

function encodeCursor(key: Key): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

function decodeCursor(cursor: string): Key {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(key)) return key as Key;
  } catch {
    // fall through to the API error below
  }
  throw apiError("Invalid cursor for current pagination sort.", "BAD_REQUEST");
}

/**
 * Relay connection over items already in the requested order. Cursors encode the sort key of an
 * item (as Shopify's opaque cursors do), so paging stays correct when items are added between
 * pages; `compare` must agree with the order of `items`.
 */
export function connection<T>(
  items: T[],
  args: ConnectionArgs,
  keyOf: (item: T) => Key,
  compare: (a: Key, b: Key) => number,
  view: (item: T) => unknown,
) {
  const { first, last, after, before } = args;
  if (first == null && last == null) throw apiError("you must provide one of first or last", "BAD_REQUEST");
  if (first != null && last != null) {
    throw apiError("providing both first and last is not supported", "BAD_REQUEST");
  }
  const size = (first ?? last)!;
  if (size < 0 || size > MAX_PAGE) {
    throw apiError(`The page size must be between 0 and ${MAX_PAGE}`, "BAD_REQUEST");
  }

  let window = items;
  if (after) {
    const key = decodeCursor(after);
    window = window.filter((item) => compare(keyOf(item), key) > 0);
  }
  if (before) {
    const key = decodeCursor(before);
    window = window.filter((item) => compare(keyOf(item), key) < 0);
  }
  const page = first != null ? window.slice(0, size) : window.slice(Math.max(0, window.length - size));
  const edges = page.map((item) => ({ cursor: encodeCursor(keyOf(item)), node: view(item) }));
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage: first != null ? window.length > size : Boolean(before),
      hasPreviousPage: last != null ? window.length > size : Boolean(after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** Lexicographic comparison of sort keys; numbers before strings never mix in one position. */
export function compareKeys(a: Key, b: Key): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** A connection over items in id (creation) order, or the reverse when `reverse` is set. */
export function idConnection<T extends { id: string }>(
  items: T[],
  args: ConnectionArgs,
  view: (item: T) => unknown,
  reverse = false,
) {
  const ordered = reverse ? [...items].reverse() : items;
  const compare = reverse ? (a: Key, b: Key) => compareKeys(b, a) : compareKeys;
  return connection(ordered, args, (item) => [numericId(item.id)], compare, view);
}

export function numericId(gid: string): number {
  return Number(gid.slice(gid.lastIndexOf("/") + 1));
}
