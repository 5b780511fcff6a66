import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import {
  useActionData,
  useLoaderData,
  useNavigation,
  useSubmit,
  type ShouldRevalidateFunction,
} from "@remix-run/react";
import { Banner, BlockStack, Button, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { TierPreviewCard } from "~/components/tier-preview-card";
import {
  formValuesOf,
  programOf,
  TierProgramFields,
  type TierFormValues,
} from "~/components/tier-program-fields";
import { readForm } from "~/form-body.server";
import { getTierProgramForm, previewTierProgram, saveTierProgram } from "~/models/tier-program.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return getTierProgramForm(session.shop);
};

const RELOAD = "reload the page and try again";
const program = z.string({ error: `No tier program was sent; ${RELOAD}` }).transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({
      code: "custom",
      message: `The tier program could not be read (not valid JSON); ${RELOAD}`,
    });
    return z.NEVER;
  }
});
const Submission = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("preview"), program }),
    z.object({
      intent: z.literal("save"),
      program,
      version: z
        .string({ error: "Preview the changes before saving them" })
        .regex(/^\d{1,9}$/, "Preview the changes before saving them")
        .transform(Number),
    }),
  ],
  { error: "Preview or save the tiers" },
);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const submission = Submission.safeParse(await readForm(request));
  if (!submission.success) {
    return { intent: null, ok: false as const, fieldErrors: { form: submission.error.issues[0]!.message } };
  }
  const { shop } = session;
  if (submission.data.intent === "preview") {
    return { intent: "preview" as const, ...(await previewTierProgram(shop, submission.data.program)) };
  }
  const { program, version } = submission.data;
  return { intent: "save" as const, ...(await saveTierProgram(shop, program, new Date(), version)) };
};

// Only a save changes what the loader reads. Reloading after a refused save
// would also bring a newer version and reset the merchant's edits.
export const shouldRevalidate: ShouldRevalidateFunction = ({
  formData,
  actionResult,
  defaultShouldRevalidate,
}) =>
  formData?.has("intent")
    ? actionResult?.intent === "save" && actionResult.ok === true
    : defaultShouldRevalidate;

export default function VipTiers() {
  const form = useLoaderData<typeof loader>();
  return (
    <Page
      title="VIP tiers"
      subtitle="Reward your best customers with tiers they reach by earning or spending"
    >
      {/* A save brings a new version: the form starts again from what was saved (new tiers' ids included). */}
      <TierProgramEditor key={form.version} form={form} />
    </Page>
  );
}

function TierProgramEditor({ form }: { form: SerializeFrom<typeof loader> }) {
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const [values, setValues] = useState<TierFormValues>(() => formValuesOf(form.program));
  const [submitted, setSubmitted] = useState<string | null>(null);
  const [savedDismissed, setSavedDismissed] = useState(false);

  const json = JSON.stringify(programOf(values));
  // The action's answer counts only for the form exactly as it was sent: any edit clears it.
  const answer = submitted === json ? result : undefined;
  const preview = answer?.intent === "preview" && answer.ok ? answer : null;
  const errors: Record<string, string> = answer && !answer.ok ? answer.fieldErrors : {};
  const saved = result?.intent === "save" && result.ok && !savedDismissed ? result : null;
  const busy = navigation.state !== "idle" ? navigation.formData?.get("intent") : null;

  const send = (fields: Record<string, string>) => {
    setSubmitted(json);
    submit({ ...fields, program: json }, { method: "post" });
  };
  const removed = (form.saved ? form.program.tiers : []).filter(
    (tier) =>
      tier.id && !values.tiers.some((t) => t.id === tier.id) && (form.members.byTier[tier.id] ?? 0) > 0,
  );
  const removedMembers = removed.reduce((total, tier) => total + form.members.byTier[tier.id!]!, 0);
  const unplaced = Object.keys(errors).filter(
    (key) => !/^(metric|window|graceDays|tagPrefix|tiers\.\d+\.(name|threshold|multiplier|perks))$/.test(key),
  );

  return (
    <Layout>
      {(saved || !form.saved || unplaced.length > 0 || removed.length > 0) && (
        <Layout.Section>
          <BlockStack gap="300">
            {saved && (
              <Banner tone="success" title="Tiers saved" onDismiss={() => setSavedDismissed(true)}>
                <p>{savedSummary(saved.recalculation)}</p>
              </Banner>
            )}
            {!form.saved && (
              <Banner tone="info" title="Suggested tiers">
                <p>Nothing is saved yet. Adjust these tiers, preview who they place where, then save.</p>
              </Banner>
            )}
            {unplaced.length > 0 && (
              <Banner tone="critical">
                {unplaced.map((key) => (
                  <p key={key}>{errors[key]}</p>
                ))}
              </Banner>
            )}
            {removed.length > 0 && (
              <Banner tone="warning" title={`Removing ${removed.map((tier) => tier.name).join(", ")}`}>
                <p>
                  {`${removedMembers} ${removedMembers === 1 ? "member moves" : "members move"} to the tier they qualify for when you save.`}
                </p>
              </Banner>
            )}
          </BlockStack>
        </Layout.Section>
      )}
      <TierProgramFields
        values={values}
        onChange={setValues}
        errors={errors}
        currencyCode={form.currencyCode}
        membersByTier={form.members.byTier}
        membersWithoutTier={form.members.withoutTier}
      />
      <Layout.Section>
        <BlockStack gap="400">
          {preview && <TierPreviewCard preview={preview.preview} graceDays={programOf(values).graceDays} />}
          <InlineStack align="end" blockAlign="center" gap="300">
            {!preview && (
              <Text as="span" tone="subdued">
                Preview your changes to see who moves before you save.
              </Text>
            )}
            <Button
              loading={busy === "preview"}
              disabled={busy != null}
              onClick={() => send({ intent: "preview" })}
            >
              Preview changes
            </Button>
            <Button
              variant="primary"
              loading={busy === "save"}
              disabled={!preview || busy != null}
              onClick={() => preview && send({ intent: "save", version: String(preview.version) })}
            >
              Save and recalculate
            </Button>
          </InlineStack>
        </BlockStack>
      </Layout.Section>
    </Layout>
  );
}

function savedSummary(recalculation: { up: number; down: number; grace: number } | undefined): string {
  const members = (count: number) => `${count} ${count === 1 ? "member" : "members"}`;
  const { up = 0, down = 0, grace = 0 } = recalculation ?? {};
  const moved =
    up + down === 0 ? "No member changed tier." : `${members(up)} moved up and ${members(down)} moved down.`;
  const kept =
    grace > 0
      ? ` ${members(grace)} ${grace === 1 ? "keeps" : "keep"} their tier during the grace period.`
      : "";
  return `${moved}${kept} Customer tags in Shopify are updated in the next few minutes.`;
}
