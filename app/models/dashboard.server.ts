import { prisma } from "~/db.server";

/** What the merchant's overview shows: the program, its size, and every recent delivery. */
export async function getDashboard(shop: string) {
  const [settings, members, issued, deliveries, dataRequests] = await Promise.all([
    prisma.programSettings.findUnique({
      where: { shop },
      include: { shopRef: { select: { currencyCode: true } } },
    }),
    prisma.member.count({ where: { shop } }),
    prisma.ledgerEntry.aggregate({ where: { shop, kind: "EARN" }, _sum: { points: true } }),
    prisma.webhookDelivery.findMany({
      where: { shop },
      orderBy: { id: "desc" },
      take: 20,
      select: { id: true, topic: true, status: true, outcome: true, receivedAt: true, attempts: true },
    }),
    prisma.dataRequest.findMany({
      where: { shop },
      orderBy: { id: "desc" },
      take: 10,
      select: { id: true, customerGid: true, createdAt: true },
    }),
  ]);
  return {
    earnRate: settings?.earnRate.toString() ?? null,
    currencyCode: settings?.shopRef.currencyCode ?? null,
    members,
    pointsIssued: issued._sum.points ?? 0,
    deliveries: deliveries.map((d) => ({
      ...d,
      id: d.id.toString(),
      receivedAt: d.receivedAt.toISOString(),
    })),
    dataRequests: dataRequests.map((r) => ({
      ...r,
      id: r.id.toString(),
      createdAt: r.createdAt.toISOString(),
    })),
  };
}
