import {
  Badge,
  BlockStack,
  Button,
  Card,
  Checkbox,
  Divider,
  FormLayout,
  InlineStack,
  Layout,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import type { TierProgramValues } from "~/domain/tier-program";
import type { TierMetric } from "~/domain/tiers";

/** The program as the page holds it while the merchant types: grace days as typed, too. */
export type TierFormValues = Omit<TierProgramValues, "graceDays"> & { graceDays: string };
type TierValues = TierFormValues["tiers"][number];

export const formValuesOf = (program: TierProgramValues): TierFormValues => ({
  ...program,
  graceDays: String(program.graceDays),
});

/** What is submitted: anything that is not a number of days is left for the server to name. */
export const programOf = (values: TierFormValues): TierProgramValues => ({
  ...values,
  graceDays: values.graceDays.trim() === "" ? Number.NaN : Number(values.graceDays),
});

const MAX_TIERS = 20;

const METRICS: Array<{ value: TierMetric; label: string; help: string }> = [
  {
    value: "POINTS_EARNED",
    label: "Points earned",
    help: "Points from orders and bonuses, less points taken back for refunds.",
  },
  { value: "AMOUNT_SPENT", label: "Amount spent", help: "What members spent on orders, less refunds." },
  {
    value: "PAID_ORDERS",
    label: "Paid orders",
    help: "Paid orders, not counting cancelled or fully refunded ones.",
  },
];

const WINDOWS = [
  { value: "LIFETIME", label: "All time" },
  { value: "CALENDAR_YEAR", label: "This calendar year (starts again on 1 January)" },
  { value: "ROLLING_12_MONTHS", label: "The last 12 months" },
];

interface Props {
  values: TierFormValues;
  onChange: (values: TierFormValues) => void;
  /** The server's message for a field, by its key (`graceDays`, `tiers.1.threshold`). */
  errors: Record<string, string>;
  currencyCode: string;
  /** Members now in each saved tier, by tier id. */
  membersByTier: Record<string, number>;
  membersWithoutTier: number;
}

export function TierProgramFields({
  values,
  onChange,
  errors,
  currencyCode,
  membersByTier,
  membersWithoutTier,
}: Props) {
  const set = (change: Partial<TierFormValues>) => onChange({ ...values, ...change });
  const setTier = (index: number, change: Partial<TierValues>) =>
    set({ tiers: values.tiers.map((tier, i) => (i === index ? { ...tier, ...change } : tier)) });
  const unit = { POINTS_EARNED: "points", AMOUNT_SPENT: currencyCode, PAID_ORDERS: "orders" }[values.metric];
  const exampleTag = `${values.tagPrefix}${values.tiers.at(-1)?.name || "Gold"}`;

  return (
    <>
      <Layout.AnnotatedSection
        title="How members qualify"
        description="Members move up as soon as they reach a tier. Tiers are recalculated for everyone when you save."
      >
        <Card>
          <FormLayout>
            <FormLayout.Group>
              <Select
                label="Qualify on"
                options={METRICS}
                value={values.metric}
                onChange={(metric) => set({ metric: metric as TierMetric })}
                helpText={METRICS.find((m) => m.value === values.metric)?.help}
                error={errors.metric}
              />
              <Select
                label="Counted over"
                options={WINDOWS}
                value={values.window}
                onChange={(window) => set({ window: window as TierFormValues["window"] })}
                error={errors.window}
              />
            </FormLayout.Group>
            <FormLayout.Group>
              <TextField
                label="Grace period"
                type="number"
                min={0}
                max={365}
                suffix="days"
                autoComplete="off"
                value={values.graceDays}
                onChange={(graceDays) => set({ graceDays })}
                helpText="How long a member who drops below their tier keeps it before moving down. 0 moves them down at once."
                error={errors.graceDays}
              />
              <TextField
                label="Customer tag prefix"
                autoComplete="off"
                value={values.tagPrefix}
                onChange={(tagPrefix) => set({ tagPrefix })}
                helpText={`Members are tagged in Shopify with their tier, like "${exampleTag}".`}
                error={errors.tagPrefix}
              />
            </FormLayout.Group>
          </FormLayout>
        </Card>
      </Layout.AnnotatedSection>

      <Layout.AnnotatedSection
        title="Tiers"
        description="From the lowest to the highest: each tier starts above the one before it. A member's multiplier applies to the points they earn from their next order on."
      >
        <Card>
          <BlockStack gap="400">
            {values.tiers.map((tier, index) => {
              const members = tier.id ? (membersByTier[tier.id] ?? 0) : 0;
              return (
                // A tier has no id until it is saved.
                <BlockStack gap="300" key={tier.id ?? `new-${index}`}>
                  {index > 0 && <Divider />}
                  <InlineStack align="space-between" blockAlign="center">
                    <InlineStack gap="200" blockAlign="center">
                      <Text as="h3" variant="headingSm">
                        {tier.name || `Tier ${index + 1}`}
                      </Text>
                      {tier.id && <Badge>{`${members} ${members === 1 ? "member" : "members"}`}</Badge>}
                    </InlineStack>
                    <Button
                      variant="plain"
                      tone="critical"
                      disabled={values.tiers.length === 1}
                      onClick={() => set({ tiers: values.tiers.filter((_, i) => i !== index) })}
                    >
                      Remove
                    </Button>
                  </InlineStack>
                  <FormLayout>
                    <FormLayout.Group>
                      <TextField
                        label="Name"
                        autoComplete="off"
                        value={tier.name}
                        onChange={(name) => setTier(index, { name })}
                        error={errors[`tiers.${index}.name`]}
                      />
                      <TextField
                        label="Reached at"
                        autoComplete="off"
                        inputMode="decimal"
                        suffix={unit}
                        value={tier.threshold}
                        onChange={(threshold) => setTier(index, { threshold })}
                        helpText={index === 0 ? "0 puts every member in this tier." : undefined}
                        error={errors[`tiers.${index}.threshold`]}
                      />
                      <TextField
                        label="Points multiplier"
                        autoComplete="off"
                        inputMode="decimal"
                        suffix="×"
                        value={tier.multiplier}
                        onChange={(multiplier) => setTier(index, { multiplier })}
                        helpText={index === 0 ? "1.5 earns half as many points again." : undefined}
                        error={errors[`tiers.${index}.multiplier`]}
                      />
                    </FormLayout.Group>
                    <TextField
                      label="Perks"
                      autoComplete="off"
                      multiline={2}
                      value={tier.perks}
                      onChange={(perks) => setTier(index, { perks })}
                      placeholder="e.g. Free shipping on every order"
                      error={errors[`tiers.${index}.perks`]}
                    />
                    <Checkbox
                      label="Early access to launches and sales"
                      checked={tier.earlyAccess}
                      onChange={(earlyAccess) => setTier(index, { earlyAccess })}
                    />
                  </FormLayout>
                </BlockStack>
              );
            })}
            {membersWithoutTier > 0 && (
              <Text as="p" tone="subdued">
                {`${membersWithoutTier} ${membersWithoutTier === 1 ? "member is" : "members are"} not in a tier yet.`}
              </Text>
            )}
            <InlineStack>
              <Button
                disabled={values.tiers.length >= MAX_TIERS}
                onClick={() =>
                  set({
                    tiers: [
                      ...values.tiers,
                      { name: "", threshold: "", multiplier: "1", earlyAccess: false, perks: "" },
                    ],
                  })
                }
              >
                Add tier
              </Button>
            </InlineStack>
          </BlockStack>
        </Card>
      </Layout.AnnotatedSection>
    </>
  );
}
