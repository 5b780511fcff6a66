import { ensureBuilt } from "../../scripts/demo/prepare";

// The server tests start the production server, which serves the app's
// build: a build older than app/ is rebuilt first (CI starts from a fresh clone).
export default function setup(): void {
  ensureBuilt();
}
