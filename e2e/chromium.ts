import { existsSync } from "node:fs";

/**
 * The Chromium that Playwright and `npm run screenshots` launch: PLAYWRIGHT_CHROMIUM_PATH, else Debian's
 * headless shell (`apt-get install chromium-headless-shell`, what Playwright itself runs headless: the
 * full browser's headless mode starts WebUI renderers for every page, and the browser suites ran about a
 * quarter slower with it), else Debian's full `chromium`, else Playwright's own browser
 * (`npx playwright install chromium`).
 */
export const CHROMIUM_PATH: string | undefined =
  process.env.PLAYWRIGHT_CHROMIUM_PATH ??
  ["/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium"].find((path) => existsSync(path));
