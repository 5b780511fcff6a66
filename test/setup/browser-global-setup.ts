import { assertChromium } from "../browser/support/chromium";
import { ensureBuilt } from "../../scripts/demo/prepare";

// The browser tests drive Chromium against the app's production build: a
// missing Chromium fails the run with the command that installs it, and a
// build older than app/ is rebuilt first (CI starts from a fresh clone).
export default function setup(): void {
  assertChromium();
  ensureBuilt();
}
