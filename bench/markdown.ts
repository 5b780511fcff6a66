/**
 * `markdown` with the section under `heading` (a `## ` line, up to the next
 * one) replaced by `section`, or `section` appended when there is none: how a
 * `BENCH_ONLY` run rewrites its own section and keeps the others.
 */
export function spliceSection(markdown: string, heading: string, section: string): string {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start === -1) return `${markdown.trimEnd()}\n\n${section}\n`;
  const next = markdown.indexOf("\n## ", start + 1);
  const rest = next === -1 ? "" : markdown.slice(next);
  return `${markdown.slice(0, start + 1)}${section}\n${rest}`;
}
