/** Global ids in Shopify's form, gid://shopify/<Type>/<number>. */
export function gid(type: string, id: number | string): string {
  return `gid://shopify/${type}/${id}`;
}

export function parseGid(value: string): { type: string; id: string } | null {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/([^/?]+)$/.exec(value);
  return match ? { type: match[1]!, id: match[2]! } : null;
}

/** Deterministic ids so test expectations and demo data stay stable between runs. */
export class IdSequence {
  private next: number;

  constructor(start = 1001) {
    this.next = start;
  }

  gid(type: string): string {
    return gid(type, this.next++);
  }

  number(): number {
    return this.next++;
  }
}
