// Prints what the theme app extension weighs and fails when it is over budget.
// Usage: npx tsx scripts/extension-budget.ts [extension dir]
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BUDGETS, measureExtension, overBudget } from "./extension-weight";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = path.resolve(process.argv[2] ?? path.join(root, "extensions/tally-loyalty"));
const weight = measureExtension(dir);

for (const file of weight.files) {
  const loaded = file.referenced ? "  loaded by a block schema" : "";
  console.log(
    `${file.path.padEnd(40)} ${String(file.bytes).padStart(7)} B  ${String(file.gzipBytes).padStart(6)} B gzip${loaded}`,
  );
}
console.log("");
console.log(`JavaScript gzip  ${weight.jsGzipBytes} / ${BUDGETS.jsGzipBytes} B`);
console.log(`CSS gzip         ${weight.cssGzipBytes} / ${BUDGETS.cssGzipBytes} B`);
console.log(`Liquid           ${weight.liquidBytes} / ${BUDGETS.liquidBytes} B`);
console.log(`Largest locale   ${weight.largestLocaleBytes} / ${BUDGETS.localeFileBytes} B`);

const problems = overBudget(weight);
for (const problem of problems) console.error(`Over budget: ${problem}`);
process.exitCode = problems.length > 0 ? 1 : 0;
