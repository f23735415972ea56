import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

// Imports point down only: app → components, lib/web, lib; components → lib (types, pure helpers);
// lib/web → lib; lib → lib/db. Each folder's rule lists what it may not import, and why.
const tests = {
  group: ["@/test/*", "**/test/*"],
  message: "Only tests import test/. Code shared with tests, scripts or the app belongs in lib/.",
};
const app = {
  group: ["@/app/*", "**/app/*"],
  message: "Nothing imports app/ but app/ itself. Pass server actions to components as props.",
};
const components = { group: ["@/components/*"], message: "The domain does not render: keep React in components/." };
const web = {
  group: ["@/lib/web/*"],
  message: "lib/web/ adapts the domain to Next.js and HTTP; only app/ uses it.",
};
const controls = {
  group: ["@/lib/controls/*", "**/lib/controls/*"],
  message:
    "The naive controls are deliberately wrong: only tests, benchmarks and the test build's control route use them.",
};
const framework = {
  paths: ["next", "react", "react-dom", "next-auth", "next-safe-action"].map((name) => ({
    name,
    message: "The domain is plain TypeScript: Next.js, React and HTTP adapters live in lib/web/.",
  })),
  group: ["next/*", "next-auth/*", "react-dom/*"],
};

const restrict = (...rules) => ({
  "@typescript-eslint/no-restricted-imports": [
    "error",
    {
      paths: rules.flatMap((rule) => rule.paths ?? []),
      patterns: rules.map(({ group, message }) => ({ group, message: message ?? framework.paths[0].message })),
    },
  ],
});

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  {
    rules: {
      // Unused names are mistakes, except the ones a signature needs and a leading underscore marks.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  { files: ["**/*.{ts,tsx,js,mjs}"], ignores: ["test/**"], rules: restrict(tests) },
  { files: ["app/**"], ignores: ["app/api/control/**"], rules: restrict(tests, controls) },
  { files: ["components/**"], rules: restrict(tests, app, web, controls) },
  {
    files: ["lib/**"],
    ignores: ["lib/web/**", "lib/controls/**"],
    rules: restrict(tests, app, components, web, controls, framework),
  },
  { files: ["lib/controls/**"], rules: restrict(tests, app, components, web, framework) },
  { files: ["lib/web/**"], rules: restrict(tests, app, components, controls) },
  globalIgnores([".next/**", ".next-*/**", ".data/**", "lib/generated/**", "test-results/**", "next-env.d.ts"]),
]);
