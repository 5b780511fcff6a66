import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const repoRoot = fileURLToPath(new URL("..", import.meta.url));
export const bin = (name: string) => join(repoRoot, "node_modules", ".bin", name);
