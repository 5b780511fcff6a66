import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { getDashboard } from "~/models/dashboard.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return getDashboard(session.shop);
};

const STATUS_TONE = {
  PENDING: "attention",
  PROCESSED: "success",
  IGNORED: undefined,
  REJECTED: "critical",
  FAILED: "critical",
} as const;

export default function Overview() {
  const dashboard = useLoaderData<typeof loader>();
  return (
    <Page title="Tally">
      <Layout>
        <Layout.Section>
          <InlineGrid columns={3} gap="400">
            <Stat
              label="Earn rate"
              value={
                dashboard.earnRate
                  ? `${dashboard.earnRate} ${dashboard.earnRate === "1" ? "point" : "points"} per ${dashboard.currencyCode}`
                  : "Not set up"
              }
            />
            <Stat label="Members" value={dashboard.members.toLocaleString()} />
            <Stat label="Points issued" value={dashboard.pointsIssued.toLocaleString()} />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Recent webhooks from Shopify
              </Text>
              <DataTable
                columnContentTypes={["text", "text", "text", "numeric", "text"]}
                headings={["Received", "Topic", "Status", "Deliveries", "Outcome"]}
                rows={dashboard.deliveries.map((d) => [
                  new Date(d.receivedAt).toLocaleString(),
                  d.topic,
                  <Badge key={d.id} tone={STATUS_TONE[d.status]}>
                    {d.status.toLowerCase()}
                  </Badge>,
                  d.attempts,
                  d.outcome ?? "",
                ])}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Customer data requests
              </Text>
              <DataTable
                columnContentTypes={["text", "text"]}
                headings={["Received", "Customer"]}
                rows={dashboard.dataRequests.map((r) => [
                  new Date(r.createdAt).toLocaleString(),
                  r.customerGid,
                ])}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="p" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingLg">
          {value}
        </Text>
      </BlockStack>
    </Card>
  );
}
