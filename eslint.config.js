import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";

export default tseslint.config(
  { ignores: ["node_modules", "build", "app/generated", ".cache"] },
  ...tseslint.configs.recommended,
  {
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The domain is pure: rules about points, money and ledgers must be
    // testable without a database, a framework or Shopify.
    files: ["app/domain/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@prisma/*", "~/generated/*", "*/generated/*"],
              message: "app/domain is pure: no Prisma.",
            },
            {
              group: ["@remix-run/*", "react", "react-dom"],
              message: "app/domain is pure: no Remix or React.",
            },
            { group: ["@shopify/*"], message: "app/domain is pure: no Shopify libraries." },
            { group: ["bullmq", "ioredis", "pg"], message: "app/domain is pure: no queues or databases." },
            { group: ["~/*", "../*"], message: "app/domain imports only other domain modules (./)." },
          ],
        },
      ],
    },
  },
);
