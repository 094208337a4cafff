// The screenshot of the explorer in docs/figures/explorer.png (scripts/explorer-screenshot.sh):
// the utilization tab with one point hovered, the pickers and the top of the thresholds table.
//   node screenshot.js PAGE.html OUT.png
"use strict";

const { launch, open } = require("./browser.js");

async function main(pageFile, out) {
  const browser = await launch({ width: 1400, height: 1150 });
  try {
    const { page, problems } = await open(browser.context, pageFile);
    await page.evaluate(() => {
      const plot = document.getElementById("utilization-plot");
      const first = plot.data.findIndex(t => t.mode === "lines+markers");
      window.Plotly.Fx.hover(plot, [{ curveNumber: first, pointNumber: 14 }]);
    });
    await page.locator("#utilization-plot .hovertext").first().waitFor();
    await page.screenshot({ path: out });
    if (problems.length) throw new Error(problems.join("\n"));
  } finally {
    await browser.close();
  }
}

main(process.argv[2], process.argv[3]).catch(e => { console.error(e.message || e); process.exit(1); });
