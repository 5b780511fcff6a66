import type { Clock } from "./clock";

export interface BucketLimits {
  maximumAvailable: number;
  restoreRate: number;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/**
 * Shopify's GraphQL rate limit: one bucket per app and shop that refills continuously at
 * restoreRate points per second up to maximumAvailable. A query is charged its requested cost up
 * front and refunded the difference once its actual cost is known.
 */
export class LeakyBucket {
  private available: number;
  private updatedAt: number;

  constructor(
    private readonly limits: BucketLimits,
    private readonly clock: Clock,
  ) {
    this.available = limits.maximumAvailable;
    this.updatedAt = clock.now();
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.limits.maximumAvailable,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.limits.restoreRate,
    };
  }

  tryTake(cost: number): boolean {
    this.refill();
    if (this.available < cost) return false;
    this.available -= cost;
    return true;
  }

  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.limits.maximumAvailable, this.available + points);
  }

  /** Empties the bucket, for tests that need the next costly query to be throttled. */
  drain(): void {
    this.refill();
    this.available = 0;
  }

  private refill(): void {
    const now = this.clock.now();
    const restored = ((now - this.updatedAt) / 1000) * this.limits.restoreRate;
    this.available = Math.min(this.limits.maximumAvailable, this.available + restored);
    this.updatedAt = now;
  }
}
