// Shopify's `money` filters: minor units formatted with the shop's money_format.

function delimit(amount: number, decimals: number, thousands: string, decimal: string): string {
  const [whole, fraction] = amount.toFixed(decimals).split(".");
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
  return fraction ? `${grouped}${decimal}${fraction}` : grouped;
}

export function formatMoney(cents: unknown, format: string): string {
  const amount = Number(cents ?? 0) / 100;
  const placeholders: Record<string, () => string> = {
    amount: () => delimit(amount, 2, ",", "."),
    amount_no_decimals: () => delimit(amount, 0, ",", "."),
    amount_with_comma_separator: () => delimit(amount, 2, ".", ","),
    amount_no_decimals_with_comma_separator: () => delimit(amount, 0, ".", ","),
    amount_with_apostrophe_separator: () => delimit(amount, 2, "'", "."),
  };
  return format.replace(/\{\{\s*(\w+)\s*\}\}/, (whole, name: string) => placeholders[name]?.() ?? whole);
}
