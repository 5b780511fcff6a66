// Records what production runs (every package `npm ls --omit=dev` installs, at its
// exact version, with its license) in docs/dependencies.md, then asks the registry
// for advisories with `npm audit --omit=dev`. Some registries (mirrors, proxies,
// the one on this project's machines) do not answer the audit endpoint: the
// script says so plainly instead of reporting "0 vulnerabilities".
// Usage: npm run audit:deps [-- --require-answer]
//   exit 0  advisories checked, none high or critical; or not answered (warned)
//   exit 1  high or critical advisories in production dependencies
//   exit 2  the tree could not be read, or (with --require-answer) the registry did not answer
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const output = path.join(root, "docs/dependencies.md");
const requireAnswer = process.argv.includes("--require-answer");

interface LsNode {
  version?: string;
  license?: unknown;
  licenses?: unknown;
  extraneous?: boolean;
  missing?: boolean;
  dependencies?: Record<string, LsNode>;
}

interface Installed {
  name: string;
  version: string;
  direct: boolean;
  license: string;
  requiredBy: Set<string>;
}

function npm(args: string[]) {
  // npm exits non-zero for findings and problems and still prints its JSON.
  const run = spawnSync("npm", args, { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function licenseOf(node: LsNode): string {
  const value = node.license ?? node.licenses;
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((l) => (typeof l === "string" ? l : l?.type)).join(" OR ");
  if (value && typeof value === "object" && "type" in value) return String(value.type);
  return "not stated";
}

/** Every installed package once per version; an optional dependency that is not installed has no version. */
function installedPackages(tree: LsNode, directNames: Set<string>) {
  const packages = new Map<string, Installed>();
  const extraneous: string[] = [];
  // npm lists a package's dependencies once and marks its other places "deduped"
  // with none, in whatever order it meets them: so a package is walked into from
  // the first place that lists its dependencies, and is direct wherever the root requires it.
  const walked = new Set<string>();
  const walk = (deps: Record<string, LsNode> | undefined, parent: string) => {
    for (const [name, node] of Object.entries(deps ?? {})) {
      if (!node.version) continue;
      const id = `${name}@${node.version}`;
      if (node.extraneous) {
        extraneous.push(id);
        continue;
      }
      const direct = parent === "tally" && directNames.has(name);
      const known = packages.get(id);
      if (known) {
        known.requiredBy.add(parent);
        known.direct ||= direct;
      } else {
        packages.set(id, {
          name,
          version: node.version,
          direct,
          license: licenseOf(node),
          requiredBy: new Set([parent]),
        });
      }
      if (!walked.has(id) && Object.keys(node.dependencies ?? {}).length > 0) {
        walked.add(id);
        walk(node.dependencies, name);
      }
    }
  };
  walk(tree.dependencies, "tally");
  return { packages: [...packages.values()], extraneous };
}

interface AuditAdvisory {
  name: string;
  severity: string;
  range?: string;
  via?: Array<string | { title?: string; url?: string; source?: number }>;
}

type AuditOutcome =
  | { answered: true; counts: Record<string, number>; advisories: AuditAdvisory[] }
  | { answered: false; why: string };

function audit(): AuditOutcome {
  const run = npm(["audit", "--omit=dev", "--json"]);
  let report: Record<string, unknown>;
  try {
    report = JSON.parse(run.stdout) as Record<string, unknown>;
  } catch {
    return { answered: false, why: `npm audit printed no report: ${run.stderr.trim() || "no output"}` };
  }
  const metadata = report.metadata as { vulnerabilities?: Record<string, number> } | undefined;
  if (!metadata?.vulnerabilities) {
    const error = report.error as { summary?: string } | undefined;
    const why = [report.message, error?.summary].filter(Boolean).join(": ") || run.stderr.trim();
    return { answered: false, why: why || "npm audit returned no vulnerability counts" };
  }
  const advisories = Object.values((report.vulnerabilities ?? {}) as Record<string, AuditAdvisory>);
  return { answered: true, counts: metadata.vulnerabilities, advisories };
}

const cell = (text: string) => text.replaceAll("|", "\\|");

function markdown(
  packages: Installed[],
  extraneous: string[],
  outcome: AuditOutcome,
  registry: string,
  checkedAt: string,
) {
  const direct = packages.filter((p) => p.direct).length;
  const licenses = new Map<string, number>();
  for (const p of packages) licenses.set(p.license, (licenses.get(p.license) ?? 0) + 1);
  const lines = [
    "# Production dependencies",
    "",
    "Generated by `npm run audit:deps` (`scripts/audit-deps.ts`) from the installed tree",
    "(`npm ls --omit=dev --all`); do not edit by hand. Run it again after changing",
    "`package-lock.json` and commit the result.",
    "",
    "## Advisory check",
    "",
    `Checked ${checkedAt} against ${registry}.`,
    "",
  ];
  if (outcome.answered) {
    const counts = ["critical", "high", "moderate", "low", "info"]
      .map((level) => `${outcome.counts[level] ?? 0} ${level}`)
      .join(", ");
    lines.push(`The registry answered \`npm audit --omit=dev\`: ${counts}.`, "");
    for (const advisory of outcome.advisories) {
      const titles = (advisory.via ?? [])
        .map((via) => (typeof via === "string" ? `via ${via}` : `${via.title ?? ""} ${via.url ?? ""}`.trim()))
        .join("; ");
      lines.push(`- **${advisory.name}** (${advisory.severity}, ${advisory.range ?? "?"}): ${titles}`);
    }
  } else {
    lines.push(
      "**Not checked: the registry did not answer `npm audit`** " + `(${outcome.why.replaceAll("\n", " ")}).`,
      "Run `npm run audit:deps` where the public npm registry (or one that serves its audit",
      "endpoint) is reachable before relying on this list being free of known advisories.",
    );
  }
  lines.push(
    "",
    "## Packages",
    "",
    `${packages.length} packages in production, ${direct} of them direct dependencies in \`package.json\`.`,
    "Licenses: " +
      [...licenses]
        .sort((a, b) => b[1] - a[1])
        .map(([license, count]) => `${license} (${count})`)
        .join(", ") +
      ".",
    "",
    "| Package | Version | Dependency | License | Required by |",
    "| --- | --- | --- | --- | --- |",
  );
  const sorted = [...packages].sort(
    (a, b) =>
      Number(b.direct) - Number(a.direct) ||
      a.name.localeCompare(b.name) ||
      a.version.localeCompare(b.version),
  );
  for (const p of sorted) {
    const parents = [...p.requiredBy].sort();
    const shown =
      parents.slice(0, 3).join(", ") + (parents.length > 3 ? ` and ${parents.length - 3} more` : "");
    lines.push(
      `| ${cell(p.name)} | ${p.version} | ${p.direct ? "direct" : "transitive"} | ${cell(p.license)} | ${cell(shown)} |`,
    );
  }
  if (extraneous.length > 0) {
    lines.push(
      "",
      "Installed but not part of the production tree (extraneous, left out above): " +
        extraneous.map((id) => `\`${id}\``).join(", ") +
        ".",
    );
  }
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<number> {
  const ls = npm(["ls", "--omit=dev", "--all", "--long", "--json"]);
  let tree: LsNode & { dependencies?: Record<string, LsNode>; problems?: string[] };
  try {
    tree = JSON.parse(ls.stdout);
  } catch {
    console.error(`audit:deps: npm ls printed no tree: ${ls.stderr.trim()}`);
    return 2;
  }
  const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  const { packages, extraneous } = installedPackages(tree, new Set(Object.keys(manifest.dependencies ?? {})));
  const broken = (tree.problems ?? []).filter((problem) => !problem.startsWith("extraneous:"));
  if (broken.length > 0) {
    console.error(`audit:deps: the installed tree does not match package-lock.json; run npm ci first:`);
    for (const problem of broken) console.error(`  ${problem}`);
    return 2;
  }

  const registry = npm(["config", "get", "registry"]).stdout.trim();
  const outcome = audit();
  const text = markdown(packages, extraneous, outcome, registry, new Date().toISOString().slice(0, 10));
  // Formatted as the repository's format check expects, so committing it keeps CI green.
  writeFileSync(output, await format(text, { ...(await resolveConfig(output)), filepath: output }));
  console.log(`audit:deps: ${packages.length} production packages recorded in docs/dependencies.md`);

  if (!outcome.answered) {
    console.warn(
      `audit:deps: WARNING: advisories NOT checked: ${registry} did not answer npm audit (${outcome.why}).`,
    );
    return requireAnswer ? 2 : 0;
  }
  const serious = (outcome.counts.high ?? 0) + (outcome.counts.critical ?? 0);
  for (const advisory of outcome.advisories) {
    console.log(`audit:deps: ${advisory.severity.padEnd(8)} ${advisory.name} ${advisory.range ?? ""}`);
  }
  console.log(
    `audit:deps: ${registry} answered: ${outcome.counts.critical ?? 0} critical, ${outcome.counts.high ?? 0} high, ` +
      `${outcome.counts.moderate ?? 0} moderate, ${outcome.counts.low ?? 0} low`,
  );
  return serious > 0 ? 1 : 0;
}

process.exitCode = await main();
