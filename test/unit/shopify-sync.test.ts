import { describe, expect, it } from "vitest";
import {
  buildSyncDocument,
  packWrites,
  planCustomerWrite,
  readSyncResponse,
  tierTag,
  type CustomerWrite,
  type MemberSyncState,
} from "~/domain/shopify-sync";

const state = (overrides: Partial<MemberSyncState> = {}): MemberSyncState => ({
  memberId: "m1",
  customerGid: "gid://shopify/Customer/1",
  tag: "VIP: Gold",
  tier: "Gold",
  points: 120,
  shopifyTag: null,
  shopifyTier: null,
  shopifyPoints: null,
  ...overrides,
});

const write = (n: number, overrides: Partial<CustomerWrite> = {}): CustomerWrite => ({
  memberId: `m${n}`,
  customerGid: `gid://shopify/Customer/${n}`,
  removeTag: null,
  addTag: null,
  set: [{ key: "points_balance", type: "number_integer", value: String(n) }],
  deleteKeys: [],
  result: { tag: null, tier: null, points: n },
  ...overrides,
});

describe("planCustomerWrite", () => {
  it("writes tag, tier and balance for a member Shopify has never heard of", () => {
    expect(planCustomerWrite(state())).toEqual({
      memberId: "m1",
      customerGid: "gid://shopify/Customer/1",
      removeTag: null,
      addTag: "VIP: Gold",
      set: [
        { key: "tier", type: "single_line_text_field", value: "Gold" },
        { key: "points_balance", type: "number_integer", value: "120" },
      ],
      deleteKeys: [],
      result: { tag: "VIP: Gold", tier: "Gold", points: 120 },
    });
  });

  it("writes nothing when Shopify already holds the member's state", () => {
    expect(
      planCustomerWrite(state({ shopifyTag: "VIP: Gold", shopifyTier: "Gold", shopifyPoints: 120 })),
    ).toBeNull();
  });

  it("only the balance when only the balance moved", () => {
    const plan = planCustomerWrite(
      state({ shopifyTag: "VIP: Gold", shopifyTier: "Gold", shopifyPoints: 90 }),
    );
    expect(plan).toMatchObject({ removeTag: null, addTag: null, deleteKeys: [] });
    expect(plan?.set).toEqual([{ key: "points_balance", type: "number_integer", value: "120" }]);
  });

  it("swaps the old tier's tag for the new one on a move", () => {
    const plan = planCustomerWrite(
      state({
        tag: "VIP: Silver",
        tier: "Silver",
        shopifyTag: "VIP: Gold",
        shopifyTier: "Gold",
        shopifyPoints: 120,
      }),
    );
    expect(plan).toMatchObject({ removeTag: "VIP: Gold", addTag: "VIP: Silver" });
    expect(plan?.set).toEqual([{ key: "tier", type: "single_line_text_field", value: "Silver" }]);
  });

  it("removes the tag and deletes the tier metafield when the member has no tier any more", () => {
    const plan = planCustomerWrite(
      state({ tag: null, tier: null, shopifyTag: "VIP: Gold", shopifyTier: "Gold", shopifyPoints: 120 }),
    );
    expect(plan).toMatchObject({ removeTag: "VIP: Gold", addTag: null, set: [], deleteKeys: ["tier"] });
  });

  it("a new prefix changes the tag but not the tier metafield", () => {
    const plan = planCustomerWrite(
      state({
        tag: tierTag("tally-", "Gold"),
        shopifyTag: "VIP: Gold",
        shopifyTier: "Gold",
        shopifyPoints: 120,
      }),
    );
    expect(plan).toMatchObject({ removeTag: "VIP: Gold", addTag: "tally-Gold", set: [] });
  });
});

describe("packWrites", () => {
  it("never puts more than 25 metafields in one call, and keeps each member whole", () => {
    const writes = Array.from({ length: 30 }, (_, n) =>
      write(n, {
        set: [
          { key: "tier", type: "single_line_text_field", value: "Gold" },
          { key: "points_balance", type: "number_integer", value: "1" },
        ],
      }),
    );
    const batches = packWrites(writes);
    expect(batches.map((b) => b.length)).toEqual([12, 12, 6]);
    expect(batches.flat()).toEqual(writes);
  });

  it("bounds the tag mutations per document", () => {
    const writes = Array.from({ length: 50 }, (_, n) => write(n, { set: [], removeTag: "a", addTag: "b" }));
    expect(packWrites(writes).map((b) => b.length)).toEqual([20, 20, 10]);
  });
});

describe("buildSyncDocument", () => {
  it("removes each old tag before adding the new one, and sends metafields in one call", () => {
    const doc = buildSyncDocument([
      write(1, { removeTag: "VIP: Gold", addTag: "VIP: Silver" }),
      write(2, { deleteKeys: ["tier"], set: [] }),
    ]);
    expect(doc.mutations).toBe(4);
    expect(doc.query.indexOf("r0: tagsRemove")).toBeLessThan(doc.query.indexOf("a0: tagsAdd"));
    expect(doc.variables).toEqual({
      metafields: [
        {
          ownerId: "gid://shopify/Customer/1",
          namespace: "$app:tally",
          key: "points_balance",
          type: "number_integer",
          value: "1",
        },
      ],
      deletes: [{ ownerId: "gid://shopify/Customer/2", namespace: "$app:tally", key: "tier" }],
      c0: "gid://shopify/Customer/1",
      r0: ["VIP: Gold"],
      a0: ["VIP: Silver"],
    });
  });
});

describe("readSyncResponse", () => {
  const batch = [write(1), write(2, { addTag: "VIP: Gold" }), write(3)];

  it("everyone is written when Shopify reports no errors", () => {
    const outcome = readSyncResponse(batch, { set: { userErrors: [] }, a1: { userErrors: [] } });
    expect(outcome.written.map((w) => w.memberId)).toEqual(["m1", "m2", "m3"]);
  });

  it("blames a metafield error on the member at its index, and resends the others' metafields", () => {
    const outcome = readSyncResponse(batch, {
      set: { userErrors: [{ field: ["metafields", "2", "ownerId"], message: "Owner does not exist." }] },
      a1: { userErrors: [] },
    });
    expect(outcome.refused).toEqual([
      { write: batch[2], reason: "metafields.2.ownerId: Owner does not exist." },
    ]);
    expect(outcome.retry.map((w) => w.memberId)).toEqual(["m1", "m2"]);
    expect(outcome.written).toEqual([]);
  });

  it("blames a tag error on its alias's member only", () => {
    const outcome = readSyncResponse(batch, {
      set: { userErrors: [] },
      a1: { userErrors: [{ field: ["id"], message: "Customer does not exist" }] },
    });
    expect(outcome.refused.map((r) => r.write.memberId)).toEqual(["m2"]);
    expect(outcome.written.map((w) => w.memberId)).toEqual(["m1", "m3"]);
  });

  it("an error naming nobody sends everyone again alone, and refuses a member who was alone", () => {
    const unnamed = { set: { userErrors: [{ field: null, message: "Something went wrong" }] } };
    expect(readSyncResponse(batch, unnamed).retry).toHaveLength(3);
    expect(readSyncResponse([write(9)], unnamed).refused).toEqual([
      { write: write(9), reason: "Something went wrong" },
    ]);
  });
});
