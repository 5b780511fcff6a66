import { addDecimals, normalizeDecimal, parseDecimal } from "../../decimal";
import type { StoreCreditAccountRecord, StoreCreditTransactionRecord } from "../../records";
import type { ResolverContext } from "../context";
import { notImplemented } from "../errors";
import { creditTransactionView } from "../views";
import { requireGid } from "./query-root";
import { userError } from "./user-errors";

interface CreditArgs {
  id: string;
  creditInput: {
    creditAmount: { amount: string | number; currencyCode: string };
    expiresAt?: string | null;
    notify?: boolean | null;
  };
}

function failure(field: string[], message: string, code: string) {
  return { storeCreditAccountTransaction: null, userErrors: [userError(field, message, code)] };
}

export const storeCreditMutations = {
  /** Accepts an account id or a customer id; a customer gets an account per currency on first credit. */
  storeCreditAccountCredit: ({ id, creditInput }: CreditArgs, ctx: ResolverContext) => {
    const { type } = requireGid(id);
    const amount = parseDecimal(String(creditInput.creditAmount.amount));
    const currency = creditInput.creditAmount.currencyCode;
    const now = ctx.standIn.clock.now();
    if (amount === null || amount <= 0n) {
      return failure(
        ["creditInput", "creditAmount", "amount"],
        "A positive amount must be used to credit a store credit account.",
        "NEGATIVE_OR_ZERO_AMOUNT",
      );
    }
    const expiresAt = creditInput.expiresAt ? Date.parse(creditInput.expiresAt) : null;
    if (expiresAt !== null && expiresAt <= now) {
      return failure(
        ["creditInput", "expiresAt"],
        "The expiry date must be in the future.",
        "EXPIRES_AT_IN_PAST",
      );
    }

    let account: StoreCreditAccountRecord | undefined;
    if (type === "StoreCreditAccount") {
      account = ctx.state.storeCreditAccounts.get(id);
      if (!account) return failure(["id"], "Store credit account does not exist.", "ACCOUNT_NOT_FOUND");
      if (account.currencyCode !== currency) {
        return failure(
          ["creditInput", "creditAmount", "currencyCode"],
          "The currency provided does not match the currency of the store credit account.",
          "MISMATCHING_CURRENCY",
        );
      }
    } else if (type === "Customer") {
      if (!ctx.state.customers.has(id)) return failure(["id"], "Owner does not exist.", "OWNER_NOT_FOUND");
      if (!ctx.state.shop.enabledPresentmentCurrencies.includes(currency)) {
        return failure(
          ["creditInput", "creditAmount", "currencyCode"],
          "The currency provided is not currently supported.",
          "UNSUPPORTED_CURRENCY",
        );
      }
      account = [...ctx.state.storeCreditAccounts.values()].find(
        (a) => a.ownerId === id && a.currencyCode === currency,
      );
      if (!account) {
        account = {
          id: ctx.standIn.ids.gid("StoreCreditAccount"),
          ownerId: id,
          currencyCode: currency,
          balance: "0.0",
        };
        ctx.state.storeCreditAccounts.set(account.id, account);
      }
    } else if (type === "CompanyLocation") {
      throw notImplemented("store credit for company locations");
    } else {
      return failure(["id"], "Store credit account does not exist.", "ACCOUNT_NOT_FOUND");
    }

    account.balance = addDecimals(account.balance, normalizeDecimal(String(creditInput.creditAmount.amount)));
    const transaction: StoreCreditTransactionRecord = {
      id: ctx.standIn.ids.gid("StoreCreditAccountCreditTransaction"),
      accountId: account.id,
      amount: normalizeDecimal(String(creditInput.creditAmount.amount)),
      balanceAfterTransaction: account.balance,
      createdAt: now,
      expiresAt,
    };
    ctx.state.storeCreditTransactions.push(transaction);
    return { storeCreditAccountTransaction: creditTransactionView(ctx, transaction), userErrors: [] };
  },
};
