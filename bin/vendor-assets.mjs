// Copies the front-end libraries the templates use from node_modules/ to static/vendor/,
// so the app serves them itself: no CDN at run time (offline servers, DSGVO).
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const files = {
  "pico/pico.min.css": "@picocss/pico/css/pico.min.css",
  // Used by the accessibility browser tests (tests/browser/test_axe.py) only; no page loads it.
  "axe-core/axe.min.js": "axe-core/axe.min.js",
  "htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
  "chartjs/chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
  "fullcalendar/fullcalendar.global.js": "fullcalendar/all/global.js",
  "fullcalendar/locale-de.global.js": "fullcalendar/locales/de/global.js",
  "fullcalendar/theme-classic.global.js": "fullcalendar/themes/classic/global.js",
  "fullcalendar/skeleton.css": "fullcalendar/skeleton.css",
  "fullcalendar/theme-classic.css": "fullcalendar/themes/classic/theme.css",
  "fullcalendar/palette-classic.css": "fullcalendar/themes/classic/palette.css",
};

const target = join(root, "static", "vendor");
rmSync(target, { recursive: true, force: true });
for (const [destination, source] of Object.entries(files)) {
  const to = join(target, destination);
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(join(root, "node_modules", source), to);
}
console.log(`vendor-assets: ${Object.keys(files).length} files in static/vendor/`);
