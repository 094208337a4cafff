// The explorer page in a real browser (Debian's chromium, headless): it loads from the file system
// with no console error and no network, its pickers change what is plotted and listed, its table
// equals the report's thresholds.csv for the same file (and follows the threshold, as
// analysis/frontier.py computes it), hovering shows a point's model and plan, its tabs draw the
// parallelism degrees and heat maps, and the CSV download holds the rows shown.
//
//   LLMSWEEP_BROWSER_FIXTURE=DIR node --test explorer.test.js
// DIR comes from make_fixture.py: explorer/index.html, report/thresholds.csv, expected.json.
"use strict";

const assert = require("node:assert/strict");
const fs = require("fs");
const path = require("path");
const { after, before, describe, it } = require("node:test");
const { launch, open } = require("./browser.js");

const FIXTURE = process.env.LLMSWEEP_BROWSER_FIXTURE;
const PAGE = path.join(FIXTURE || ".", "explorer", "index.html");
const THRESHOLDS = ["linear_scaling_ends_flop", "largest_feasible_flop", "first_infeasible_d_model"];

function parseCsv(text) {
  const rows = [];
  for (const line of text.split(/\r?\n/).filter(l => l.length)) {  // csv.writer ends lines with \r\n
    const cells = [];
    let cell = "", quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted && ch === '"' && line[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = !quoted;
      else if (ch === "," && !quoted) { cells.push(cell); cell = ""; }
      else cell += ch;
    }
    cells.push(cell);
    rows.push(cells);
  }
  const [header, ...body] = rows;
  return { header, rows: body.map(r => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
}

const scenarioKey = (row, columns) => columns.map(c => row[c]).join("|");

// The thresholds table as the page shows it: every cell's text, and data-value for thresholds.
function pageTable(page) {
  return page.evaluate(() => [...document.querySelectorAll("#thresholds tbody tr")].map(tr =>
    Object.fromEntries([...tr.cells].map(td => [td.dataset.column,
      td.dataset.value !== undefined ? td.dataset.value : td.textContent]))));
}

function lineTraces(page) {
  return page.evaluate(() => document.getElementById("utilization-plot").data
    .filter(t => t.mode === "lines+markers").map(t => ({ name: t.name, x: t.x, scenario: t.meta.scenario })));
}

async function uncheck(page, key, value) {
  await page.locator(`#pickers input[data-key="${key}"][data-value="${value}"]`).uncheck();
}

describe("explorer page", () => {
  let browser, csv, expected;

  before(async () => {
    assert.ok(FIXTURE, "set LLMSWEEP_BROWSER_FIXTURE to the folder make_fixture.py wrote");
    csv = parseCsv(fs.readFileSync(path.join(FIXTURE, "report", "thresholds.csv"), "utf8"));
    expected = JSON.parse(fs.readFileSync(path.join(FIXTURE, "expected.json"), "utf8"));
    browser = await launch();
  });
  after(async () => { if (browser) await browser.close(); });

  async function withPage(body) {
    const { page, problems } = await open(browser.context, PAGE);
    try {
      await body(page);
      assert.deepEqual(problems, [], "no console error, uncaught exception or network request");
    } finally {
      await page.close();
    }
  }

  it("loads from the file system with every scenario plotted and listed", () => withPage(async page => {
    assert.equal(await page.title(), "llmsweep explorer: sweep 'browser'");
    const lines = await lineTraces(page);
    assert.equal(lines.length, csv.rows.length);
    assert.equal((await pageTable(page)).length, csv.rows.length);
    const files = await page.locator("#files").textContent();
    assert.match(files, /browser\.h5 \(sweep 'browser', llmsweep /);
  }));

  it("shows the thresholds of thresholds.csv", () => withPage(async page => {
    const table = await pageTable(page);
    assert.deepEqual(Object.keys(table[0]), csv.header);
    const scenarioColumns = csv.header.filter(c => !THRESHOLDS.includes(c));
    const byKey = new Map(table.map(r => [scenarioKey(r, scenarioColumns), r]));
    assert.equal(byKey.size, csv.rows.length);
    for (const want of csv.rows) {
      const got = byKey.get(scenarioKey(want, scenarioColumns));
      assert.ok(got, `no table row for ${scenarioKey(want, scenarioColumns)}`);
      for (const c of THRESHOLDS) {
        assert.equal(got[c] === "" ? null : Number(got[c]), want[c] === "" ? null : Number(want[c]),
          `${c} of ${scenarioKey(want, scenarioColumns)}`);
      }
    }
  }));

  it("recomputes the end of linear scaling when the threshold changes", () => withPage(async page => {
    const before = await pageTable(page);
    await page.locator("#fraction").fill(String(expected.fraction));
    const table = await pageTable(page);
    let moved = 0;
    expected.scenarios.forEach(want => {
      const row = table.find(r => Object.entries(want.scenario).every(([k, v]) => r[k] === v));
      assert.ok(row, JSON.stringify(want.scenario));
      const got = row.linear_scaling_ends_flop === "" ? null : Number(row.linear_scaling_ends_flop);
      assert.equal(got, want.linear_scaling_ends_flop, JSON.stringify(want.scenario));
      const was = before.find(r => Object.entries(want.scenario).every(([k, v]) => r[k] === v));
      if (row.linear_scaling_ends_flop !== was.linear_scaling_ends_flop) moved++;
      assert.equal(row.largest_feasible_flop, was.largest_feasible_flop);
    });
    assert.ok(moved > 0, "the fixture has scenarios whose linear scaling moves with the threshold");
    await page.locator("#fraction-reset").click();
    assert.deepEqual(await pageTable(page), before);
  }));

  it("plots only the scenarios the pickers leave", () => withPage(async page => {
    const all = await lineTraces(page);
    await uncheck(page, "hardware", "A100 SXM");
    const h100 = await lineTraces(page);
    assert.equal(h100.length, all.length / 2);
    assert.ok(h100.every(t => t.name.startsWith("H100 SXM")), h100.map(t => t.name).join("; "));
    assert.ok((await pageTable(page)).every(r => r.hardware === "h100-sxm"));
    await uncheck(page, "experts", "sparse");
    const dense = await lineTraces(page);
    assert.equal(dense.length, all.length / 4);
    assert.ok(dense.every(t => t.name.includes("dense")));
  }));

  it("shows a point's model, cluster, plan and time breakdown on hover", () => withPage(async page => {
    const want = await page.evaluate(() => {
      const plot = document.getElementById("utilization-plot");
      const s = window.llmsweepExplorer.data.scenarios[plot.data[0].meta.scenario];
      window.Plotly.Fx.hover(plot, [{ curveNumber: 0, pointNumber: 2 }]);
      const r = s.rows;
      return { label: s.label, d_model: r.d_model[2], layers: r.layers[2], dp: r.dp[2], pp: r.pp[2],
        microbatches: r.microbatches[2], interleave: r.interleave[2] };
    });
    const text = await page.locator("#utilization-plot .hovertext").first().textContent();
    for (const part of [want.label, `d_model ${want.d_model}`, `layers ${want.layers}`, "GPUs", `DP ${want.dp}`,
      `PP ${want.pp}`, `microbatches ${want.microbatches}`, `interleave ${want.interleave}`, "(d_model)",
      "ideal compute at peak", "exposed latency", "pipeline bubble"]) {
      assert.ok(text.includes(part), `hover text lacks '${part}': ${text}`);
    }
  }));

  it("downloads the rows shown as CSV", () => withPage(async page => {
    await uncheck(page, "experts", "sparse");
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#download").click()]);
    const got = parseCsv(fs.readFileSync(await download.path(), "utf8"));
    const scenarioColumns = csv.header.filter(c => !THRESHOLDS.includes(c));
    assert.deepEqual(got.header.slice(0, scenarioColumns.length + 3),
      scenarioColumns.concat(["d_model", "compute_flop", "utilization"]));
    const dense = expected.scenarios.filter(s => s.scenario.experts === "dense");
    assert.equal(got.rows.length, dense.reduce((n, s) => n + s.frontier_rows, 0));
    assert.ok(got.rows.every(r => r.experts === "dense"));
    // Each row's numbers are the page's own rows, in order.
    const data = await page.evaluate(() => window.llmsweepExplorer.shown().map(s => ({
      d: s.rows.d_model, u: s.rows.utilization, n: window.llmsweepExplorer.state.walks[s.index].keep })));
    const flat = data.flatMap(s => s.d.slice(0, s.n).map((d, i) => [String(d), String(s.u[i])]));
    assert.deepEqual(got.rows.map(r => [r.d_model, r.utilization]), flat);
  }));

  it("draws how each parallelism degree grows with compute", () => withPage(async page => {
    await page.locator('.tabs button[data-tab="parallelism"]').click();
    const traces = await page.evaluate(() => document.getElementById("parallelism-plot").data
      .map(t => ({ degree: t.meta.degree, x: t.x, y: t.y })));
    assert.deepEqual(traces.map(t => t.degree), ["dp", "tp_model", "tp_ff", "pp", "ep", "gpus"]);
    // The cluster is the product of the degrees, row for row.
    const gpus = traces[5].y;
    gpus.forEach((g, i) => assert.equal(traces.slice(0, 5).reduce((p, t) => p * t.y[i], 1), g));
    const options = await page.locator("#parallelism-scenario option").count();
    assert.equal(options, csv.rows.length);
    await page.locator("#parallelism-scenario").selectOption({ index: 3 });
    const other = await page.evaluate(() => document.getElementById("parallelism-plot").data[0].x);
    assert.notDeepEqual(other, traces[0].x);
  }));

  it("draws heat maps of the two varied multipliers", () => withPage(async page => {
    await page.locator('.tabs button[data-tab="heatmaps"]').click();
    const map = await page.evaluate(() => {
      const t = document.getElementById("heatmap-plot").data[0];
      const notes = document.getElementById("heatmap-plot").layout.annotations
        .map(a => ({ x: a.x, y: a.y, text: a.text }));
      return { x: t.x, y: t.y, z: t.z, notes: notes, facet: document.getElementById("heatmap-facet").value };
    });
    // Each cell's text sits on its cell (category positions) and says its value.
    assert.equal(map.notes.length, 4);
    for (const n of map.notes) assert.equal(n.text.replace("≥", ""), map.z[n.y][n.x].toFixed(1));
    assert.equal(map.facet, "H100 SXM, dense");
    assert.deepEqual(map.x, ["0.5", "1"]);
    assert.deepEqual(map.y, ["0.5", "1"]);
    for (const want of csv.rows.filter(r => r.hardware === "h100-sxm" && r.experts === "dense")) {
      const z = map.z[map.y.indexOf(want.depth_multiplier)][map.x.indexOf(want.batch_multiplier)];
      assert.equal(z, Math.log10(Number(want.largest_feasible_flop)));
    }
  }));
});
