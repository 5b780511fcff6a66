// `npm run demo:order -- --customer 1001 --amount 42.50 [--order 123]`:
// sends the running demo a signed orders/paid webhook and shows the balance
// before and after, as the storefront would read it.
import { parseArgs } from "node:util";
import { readBalance, sendPaidOrder } from "./requests";

const { values } = parseArgs({
  options: {
    customer: { type: "string", default: "1001" },
    amount: { type: "string", default: "25.00" },
    order: { type: "string" },
  },
});

const customerId = Number(values.customer);
const before = await readBalance(customerId);
const sent = await sendPaidOrder(customerId, values.amount!, values.order ? Number(values.order) : undefined);
console.info(`orders/paid for order ${sent.orderId}: HTTP ${sent.status}`);
await new Promise((resolve) => setTimeout(resolve, 1_000));
console.info(
  `customer ${customerId}: before ${JSON.stringify(before)}, after ${JSON.stringify(await readBalance(customerId))}`,
);
