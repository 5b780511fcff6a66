// The demo shop's seed data: its customers, known to the Shopify stand-in (so
// tier tags and metafields can be written to them) and used by the demo's
// seed orders; its VIP tiers; and the rewards its points buy.
export const DEMO_CUSTOMERS = [
  { id: 1001, firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" },
  { id: 1002, firstName: "Grace", lastName: "Hopper", email: "grace@example.com" },
  { id: 1003, firstName: "Alan", lastName: "Turing", email: "alan@example.com" },
];

/** Bronze for everyone, Silver from 100 points, Gold from 500: the seed orders land in each. */
export const DEMO_TIERS = {
  metric: "POINTS_EARNED",
  window: "LIFETIME",
  graceDays: 30,
  tagPrefix: "VIP: ",
  tiers: [
    { name: "Bronze", threshold: "0", multiplier: "1", earlyAccess: false, perks: "Member prices" },
    { name: "Silver", threshold: "100", multiplier: "1.25", earlyAccess: false, perks: "Free shipping" },
    { name: "Gold", threshold: "500", multiplier: "1.5", earlyAccess: true, perks: "Early access to sales" },
  ],
};

/** One reward of each kind, in the demo shop's USD. */
export const DEMO_REWARDS = [
  { kind: "FREE_SHIPPING", name: "Free shipping", pointsCost: 300, codeValidDays: 30 },
  {
    kind: "AMOUNT_OFF",
    name: "$5 off",
    pointsCost: 500,
    value: "5.00",
    minimumSubtotal: "25.00",
    codeValidDays: 30,
  },
  { kind: "STORE_CREDIT", name: "$5 store credit", pointsCost: 600, value: "5.00" },
  { kind: "PERCENT_OFF", name: "10% off", pointsCost: 1000, value: "10", codeValidDays: 14 },
];
