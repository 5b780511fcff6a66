// The preview's own small catalogue (the stand-in models no products). Prices
// are in the shop currency's minor units, as Liquid gives them.

export interface CatalogueVariant {
  id: number;
  title: string;
  price: number;
  available: boolean;
}

export interface CatalogueProduct {
  id: number;
  handle: string;
  title: string;
  description: string;
  variants: CatalogueVariant[];
}

export const CATALOGUE: CatalogueProduct[] = [
  {
    id: 8101,
    handle: "canvas-tote",
    title: "Canvas tote",
    description: "A sturdy tote in undyed cotton canvas.",
    variants: [
      { id: 46101, title: "Natural", price: 2400, available: true },
      { id: 46102, title: "Charcoal", price: 2850, available: true },
    ],
  },
  {
    id: 8102,
    handle: "trail-jacket",
    title: "Trail jacket",
    description: "A light shell for wet days on the hill.",
    variants: [
      { id: 46201, title: "S", price: 12900, available: true },
      { id: 46202, title: "M", price: 12900, available: true },
      { id: 46203, title: "L", price: 13900, available: false },
    ],
  },
  {
    id: 8103,
    handle: "tea-sampler",
    title: "Tea sampler",
    description: "Six loose-leaf teas to try.",
    variants: [{ id: 46301, title: "Default Title", price: 995, available: true }],
  },
];

export const productByHandle = (handle: string) => CATALOGUE.find((p) => p.handle === handle);
