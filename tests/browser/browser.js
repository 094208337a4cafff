// Debian's chromium, headless, driven by playwright-core (no browser download): a fresh profile
// folder each time, and no traffic to anywhere (no QUIC, sync, component updates or background
// networking). Used by explorer.test.js and screenshot.js.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const EXECUTABLE = process.env.LLMSWEEP_CHROMIUM || "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

async function launch(viewport) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "llmsweep-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: EXECUTABLE, headless: true, args: FLAGS, acceptDownloads: true,
    viewport: viewport || { width: 1400, height: 1000 },
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

// A page that records every console error, uncaught exception and request off the file system.
async function open(context, file) {
  const page = await context.newPage();
  const problems = [];
  page.on("console", m => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  page.on("pageerror", e => problems.push(`uncaught: ${e.message}`));
  page.on("request", r => { if (!r.url().startsWith("file:") && !r.url().startsWith("blob:")) problems.push(`request: ${r.url()}`); });
  await page.goto("file://" + path.resolve(file));
  await page.waitForFunction(() => window.llmsweepExplorer !== undefined);
  return { page, problems };
}

module.exports = { launch, open, FLAGS };
