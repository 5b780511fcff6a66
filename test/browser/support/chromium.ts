import { existsSync } from "node:fs";

// Debian's Chromium, the only browser these machines have (playwright's and
// puppeteer's downloads are unreachable). Flags as ../shared/notes/environment.md
// lists them: headless, no sandbox (CI runs as root), and nothing that
// reaches for the network on its own.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Throws with the install command when Chromium is missing: a missing browser fails, never skips. */
export function assertChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  throw new Error(
    `Chromium is not installed at ${CHROMIUM_PATH}; the browser tests and the Lighthouse bench need it.\n` +
      "Install it with: apt-get update && apt-get install -y chromium (.ci/run does this on CI),\n" +
      "or point CHROMIUM_PATH at another Chromium.",
  );
}
