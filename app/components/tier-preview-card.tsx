import { BlockStack, Card, DataTable, Text } from "@shopify/polaris";
import { membersMoving, type TierPreviewRow } from "~/domain/tiers";

interface Props {
  preview: readonly TierPreviewRow[];
  graceDays: number;
}

/** Who a previewed program would move, tier by tier, before the merchant saves it. */
export function TierPreviewCard({ preview, graceDays }: Props) {
  const moving = membersMoving(preview);
  const sum = (count: (row: TierPreviewRow) => number) =>
    preview.reduce((total, row) => total + count(row), 0);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {moving === 0
            ? "No member would change tier"
            : `${moving.toLocaleString()} ${moving === 1 ? "member" : "members"} would change tier`}
        </Text>
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric"]}
          headings={["Tier", "Moving up", "Moving down", "Staying"]}
          rows={preview.map((row) => [
            row.tierId === null ? "No tier" : row.name,
            row.up,
            row.down,
            row.stay,
          ])}
          totals={["", sum((row) => row.up), sum((row) => row.down), sum((row) => row.stay)]}
          totalsName={{ singular: "Total", plural: "Total" }}
          showTotalsInFooter
        />
        {graceDays > 0 && (
          <Text as="p" tone="subdued">
            {`Members moving down keep their tier until their ${graceDays}-day grace period is over; members of a removed tier move at once.`}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
