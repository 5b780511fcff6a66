import type { MetafieldRecord } from "./records";

/**
 * A shop's metafields, indexed by owner then namespace and key. A list
 * searched on every write made each metafieldsSet cost O(metafields in the
 * shop): at 100,000 customers the stand-in, not the app, set the pace.
 */
export class MetafieldStore {
  private readonly byOwner = new Map<string, Map<string, MetafieldRecord>>();

  find(ownerId: string, namespace: string, key: string): MetafieldRecord | undefined {
    return this.byOwner.get(ownerId)?.get(`${namespace}\u0000${key}`);
  }

  /** The owner's metafields, oldest first. */
  ofOwner(ownerId: string): MetafieldRecord[] {
    return [...(this.byOwner.get(ownerId)?.values() ?? [])];
  }

  add(record: MetafieldRecord): void {
    let owned = this.byOwner.get(record.ownerId);
    if (!owned) this.byOwner.set(record.ownerId, (owned = new Map()));
    owned.set(`${record.namespace}\u0000${record.key}`, record);
  }

  remove(ownerId: string, namespace: string, key: string): boolean {
    return this.byOwner.get(ownerId)?.delete(`${namespace}\u0000${key}`) ?? false;
  }

  *[Symbol.iterator](): IterableIterator<MetafieldRecord> {
    for (const owned of this.byOwner.values()) yield* owned.values();
  }
}
