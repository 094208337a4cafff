// The explorer's page: pickers, the utilization and parallelism plots, heat maps, the thresholds
// table and the CSV download, from the JSON that analysis/explore.py embeds in index.html.
// walk() is the frontier walk of analysis/frontier.py (and of llmsweep summarize / frontier);
// tests/browser checks the table it gives against thresholds.csv.
"use strict";

(function () {
  const DATA = JSON.parse(document.getElementById("llmsweep-data").textContent);
  const RULES = DATA.rules;
  const THRESHOLDS = new Set(DATA.threshold_columns);
  const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94"];
  const DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"];
  const CSV_FIELDS = ["d_model", "compute_flop", "utilization", "gpus", "layers", "d_ff", "experts", "batch_seqs",
    "batch_tokens", "seq_len", "years", "run_s", "dp", "tp_model", "tp_ff", "pp", "ep", "microbatches",
    "interleave", "zero_bubble"];
  const state = { fraction: RULES.linear_scaling_fraction, walks: [], tab: "utilization", csvUrl: null };

  // ---- the frontier walk ---------------------------------------------------------------------
  function walk(rows, cap, fraction) {
    const status = rows.status, u = rows.walk_utilization, c = rows.compute_flop, n = status.length;
    let stop = n;
    for (let i = 0; i < n; i++) if (status[i] !== RULES.status_ok) { stop = i; break; }
    let low = -1;
    for (let i = 0; i < stop; i++) if (u[i] < RULES.frontier_min_utilization) { low = i; break; }
    const keep = low >= 0 ? low + 1 : stop;
    const endedByRow = low < 0 && stop < n;
    const atPending = endedByRow && status[stop] === RULES.pending;
    let linear = null, largest = null;
    for (let i = 0; i < keep; i++) {
      if (linear === null && u[i] <= fraction * cap) linear = c[i];
      if (largest === null || c[i] > largest) largest = c[i];
    }
    return {
      keep: keep, linear: linear, largest: largest, stoppedAtPending: atPending,
      firstInfeasible: endedByRow && !atPending ? rows.d_model[stop] : null,
      hitWall: (endedByRow && !atPending) || (keep > 0 && u[keep - 1] < RULES.frontier_min_utilization),
    };
  }

  function rewalk() {
    state.walks = DATA.scenarios.map(s => walk(s.rows, s.cap, state.fraction));
  }

  // ---- formatting ----------------------------------------------------------------------------
  function fmtFlop(x) {
    if (x === null || x === undefined) return "";
    const [m, e] = x.toExponential(3).split("e");
    return m + "e" + Number(e);
  }
  function fmtCount(x) {
    if (x === null || x === undefined) return "-";
    return Math.abs(x) < 1e15 ? Math.round(x).toLocaleString("en-US") : x.toExponential(3);
  }
  function pct(x) { return x === null ? "-" : (100 * x).toFixed(1) + "%"; }
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---- pickers -------------------------------------------------------------------------------
  function buildPickers() {
    const box = document.getElementById("pickers");
    DATA.pickers.forEach(p => {
      const fs = el("fieldset", { class: "picker", "data-key": p.key });
      fs.appendChild(el("legend", {}, p.title));
      p.values.forEach((v, i) => {
        const label = el("label");
        const input = el("input", { type: "checkbox", id: `pick-${p.key}-${i}`, "data-key": p.key,
          "data-value": v });
        input.checked = true;
        input.addEventListener("change", update);
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + v));
        fs.appendChild(label);
      });
      box.appendChild(fs);
    });
    if (!DATA.pickers.length) box.appendChild(el("p", { class: "help" }, "The sweep has a single scenario."));
  }

  function shownScenarios() {
    const chosen = {};
    document.querySelectorAll("#pickers input[type=checkbox]").forEach(i => {
      if (!chosen[i.dataset.key]) chosen[i.dataset.key] = new Set();
      if (i.checked) chosen[i.dataset.key].add(i.dataset.value);
    });
    return DATA.scenarios.filter(s => DATA.pickers.every(p => chosen[p.key].has(s.params[p.key])));
  }

  function looks() {
    const hw = DATA.scenarios.map(s => s.hardware_name).filter((v, i, a) => a.indexOf(v) === i);
    const restOf = s => DATA.pickers.filter(p => p.key !== "hardware").map(p => s.params[p.key]).join("|");
    const rest = DATA.scenarios.map(restOf).filter((v, i, a) => a.indexOf(v) === i);
    return s => ({ color: PALETTE[hw.indexOf(s.hardware_name) % PALETTE.length],
      dash: DASHES[rest.indexOf(restOf(s)) % DASHES.length] });
  }

  // ---- utilization ---------------------------------------------------------------------------
  function hoverText(s, i) {
    const r = s.rows;
    const time = DATA.breakdown.map(b => `${b.label} ${pct(r[b.key][i])}`);
    const pairs = [];
    for (let k = 0; k < time.length; k += 2) pairs.push(time.slice(k, k + 2).join(" · "));
    return `<b>${s.label}</b><br>` +
      `C = ${fmtFlop(r.compute_flop[i])} FLOP, utilization ${r.utilization[i].toFixed(4)}<br>` +
      `model: d_model ${r.d_model[i]}, d_ff ${r.d_ff[i]}, layers ${r.layers[i]}, experts ${r.experts[i]}<br>` +
      `batch: ${fmtCount(r.batch_seqs[i])} sequences × ${r.seq_len[i]} = ${fmtCount(r.batch_tokens[i])} tokens<br>` +
      `cluster: ${fmtCount(r.gpus[i])} GPUs, run ${(12 * r.years[i]).toFixed(2)} months<br>` +
      `plan: DP ${r.dp[i]} · TP ${r.tp_model[i]} (d_model) × ${r.tp_ff[i]} (d_ff) · PP ${r.pp[i]} · ` +
      `EP ${r.ep[i]}<br>&nbsp;&nbsp;&nbsp;&nbsp;microbatches ${r.microbatches[i]} · interleave ${r.interleave[i]} · ` +
      `zero-bubble ${r.zero_bubble[i] ? "yes" : "no"}<br>` +
      `time: ${pairs.join("<br>&nbsp;&nbsp;&nbsp;&nbsp;")}`;
  }

  function markerTrace(s, look, at, symbol, what) {
    const r = s.rows;
    return { x: [r.compute_flop[at]], y: [r.utilization[at]], mode: "markers", type: "scatter", showlegend: false,
      legendgroup: s.label, name: `${s.label}: ${what}`, hoverinfo: "skip",
      marker: { symbol: symbol, size: 10, color: look.color, line: { color: look.color, width: 2 } } };
  }

  function sameName(s, other) {
    const differ = DATA.pickers.filter(p => p.key !== "hardware" && s.params[p.key] !== other.params[p.key]);
    return differ.length ? other.label : other.hardware_name;
  }

  // A frontier identical to one drawn before it (H200 SXM gives H100 SXM's, row for row) is drawn
  // dashed over it, and its legend entry says so, as in the report's utilization figure.
  function utilizationTraces(shown) {
    const lookOf = looks();
    const traces = [], drawn = new Map();
    shown.forEach(s => {
      const w = state.walks[s.index], look = lookOf(s), r = s.rows;
      if (!w.keep) return;
      const idx = [...Array(w.keep).keys()];
      const signature = idx.map(i => `${r.compute_flop[i]}:${r.utilization[i]}`).join(",");
      const same = drawn.get(signature);
      if (!same) drawn.set(signature, s);
      traces.push({ x: idx.map(i => r.compute_flop[i]), y: idx.map(i => r.utilization[i]), type: "scatter",
        mode: "lines+markers", name: same ? `${s.label} (dashed: = ${sameName(s, same)})` : s.label, legendgroup: s.label,
        line: { color: look.color, dash: same ? "dash" : look.dash, width: same ? 2.5 : 2 },
        marker: { size: 4 }, text: idx.map(i => hoverText(s, i)), hovertemplate: "%{text}<extra></extra>",
        meta: { scenario: s.index } });
      if (w.linear !== null) traces.push(markerTrace(s, look, r.compute_flop.indexOf(w.linear), "circle-open",
        "linear scaling ends"));
      if (w.largest !== null) traces.push(markerTrace(s, look, r.compute_flop.indexOf(w.largest),
        w.hitWall ? "x" : "triangle-right-open", w.hitWall ? "latency wall" : "widest swept width"));
    });
    return traces;
  }

  function drawUtilization(shown) {
    const caps = [...new Set(shown.map(s => s.cap))];
    const top = Math.min(1, Math.max(0.1, ...shown.map(s => s.cap)) + 0.08);
    const shapes = caps.map(c => ({ type: "line", xref: "paper", x0: 0, x1: 1, y0: state.fraction * c,
      y1: state.fraction * c, line: { color: "#8c8c8c", width: 1, dash: "dot" } }));
    Plotly.react("utilization-plot", utilizationTraces(shown), {
      margin: { t: 30, r: 10 }, hovermode: "closest", shapes: shapes, hoverlabel: { align: "left" },
      xaxis: { type: "log", title: "training compute (FLOP)", exponentformat: "power" },
      yaxis: { title: "best achievable utilization", range: [0, top] },
      legend: { font: { size: 11 } },
    }, { responsive: true, displaylogo: false });
  }

  // ---- parallelism ---------------------------------------------------------------------------
  function drawParallelism(shown) {
    const select = document.getElementById("parallelism-scenario");
    const previous = select.value;
    select.replaceChildren(...shown.map(s => el("option", { value: String(s.index) }, s.label)));
    if (shown.some(s => String(s.index) === previous)) select.value = previous;
    const s = shown.find(x => String(x.index) === select.value);
    const traces = [];
    if (s) {
      const keep = state.walks[s.index].keep, r = s.rows, idx = [...Array(keep).keys()];
      const x = idx.map(i => r.compute_flop[i]);
      DATA.parallelism.forEach(d => traces.push({ x: x, y: idx.map(i => r[d.key][i]), name: d.label,
        type: "scatter", mode: "lines+markers", line: { color: d.color }, meta: { degree: d.key } }));
      traces.push({ x: x, y: idx.map(i => r.gpus[i]), name: "GPUs (their product)", type: "scatter",
        mode: "lines", line: { color: "#444", dash: "dot" }, meta: { degree: "gpus" } });
    }
    Plotly.react("parallelism-plot", traces, {
      margin: { t: 30, r: 10 }, hovermode: "x unified",
      xaxis: { type: "log", title: "training compute (FLOP)", exponentformat: "power" },
      yaxis: { type: "log", title: "degree", exponentformat: "power" },
    }, { responsive: true, displaylogo: false });
  }

  // ---- heat maps -----------------------------------------------------------------------------
  function setOptions(select, options) {
    const previous = select.value;
    select.replaceChildren(...options.map(([value, text]) => el("option", { value: value }, text)));
    if (options.some(([value]) => value === previous)) select.value = previous;
  }

  function drawHeatmap(shown) {
    const help = document.getElementById("heatmap-help");
    if (!DATA.heatmaps.length) {
      document.getElementById("heatmap-controls").hidden = true;
      help.textContent = "This sweep varies fewer than two inputs besides hardware and experts: no heat maps.";
      return;
    }
    const pairSelect = document.getElementById("heatmap-pair");
    setOptions(pairSelect, DATA.heatmaps.map((h, i) => [String(i), `${h.a_title} × ${h.b_title}`]));
    const pair = DATA.heatmaps[Number(pairSelect.value)];
    const metric = document.getElementById("heatmap-metric").value;
    const facetKeys = DATA.pickers.map(p => p.key).filter(k => k !== pair.a && k !== pair.b);
    const facetOf = s => facetKeys.map(k => s.params[k]).join(", ") || "all";
    const facets = shown.map(facetOf).filter((v, i, a) => a.indexOf(v) === i);
    const facetSelect = document.getElementById("heatmap-facet");
    setOptions(facetSelect, facets.map(f => [f, f]));
    const members = shown.filter(s => facetOf(s) === facetSelect.value);
    const valuesOf = k => DATA.pickers.find(p => p.key === k).values.filter(v => members.some(s => s.params[k] === v));
    const xs = valuesOf(pair.a), ys = valuesOf(pair.b);
    const z = ys.map(() => xs.map(() => null));
    const cells = [];
    members.forEach(s => {
      const w = state.walks[s.index], v = metric === "largest_feasible_flop" ? w.largest : w.linear;
      const xi = xs.indexOf(s.params[pair.a]), yi = ys.indexOf(s.params[pair.b]);
      if (v === null) return;
      z[yi][xi] = Math.log10(v);
      cells.push({ xi: xi, yi: yi, bound: metric === "largest_feasible_flop" && !w.hitWall });
    });
    // Cell texts at category positions (the values look like numbers, which Plotly would place as
    // such), white on the dark half of the colour scale.
    const values = cells.map(c => z[c.yi][c.xi]);
    const mid = (Math.min(...values) + Math.max(...values)) / 2;
    const annotations = cells.map(c => ({ x: c.xi, y: c.yi, showarrow: false,
      text: (c.bound ? "≥" : "") + z[c.yi][c.xi].toFixed(1),
      font: { color: z[c.yi][c.xi] < mid ? "white" : "black", size: 13 } }));
    Plotly.react("heatmap-plot", [{ type: "heatmap", x: xs, y: ys, z: z, colorscale: "Viridis",
      colorbar: { title: metric === "largest_feasible_flop" ? "log10 largest feasible (FLOP)"
        : "log10 linear scaling ends (FLOP)" }, hovertemplate: "%{x}, %{y}: %{z:.2f}<extra></extra>" }], {
      margin: { t: 30 }, annotations: annotations,
      xaxis: { type: "category", title: pair.a_title }, yaxis: { type: "category", title: pair.b_title },
    }, { responsive: true, displaylogo: false });
  }

  // ---- table and download --------------------------------------------------------------------
  function thresholdValue(s, column) {
    const w = state.walks[s.index];
    return { linear_scaling_ends_flop: w.linear, largest_feasible_flop: w.largest,
      first_infeasible_d_model: w.firstInfeasible }[column];
  }

  function drawTable(shown) {
    const table = document.getElementById("thresholds");
    const head = el("tr");
    DATA.table_columns.forEach(c => head.appendChild(el("th", { "data-column": c }, c)));
    table.tHead.replaceChildren(head);
    table.tBodies[0].replaceChildren(...shown.map(s => {
      const tr = el("tr", { "data-scenario": String(s.index) });
      DATA.table_columns.forEach(c => {
        if (!THRESHOLDS.has(c)) {
          tr.appendChild(el("td", { "data-column": c }, s.table[c] === null ? "" : String(s.table[c])));
          return;
        }
        const v = thresholdValue(s, c);
        const text = v === null ? "" : c === "first_infeasible_d_model" ? String(v) : fmtFlop(v);
        tr.appendChild(el("td", { "data-column": c, "data-value": v === null ? "" : String(v), class: "number" },
          text));
      });
      return tr;
    }));
  }

  function csvCell(v) {
    if (v === null || v === undefined) return "";
    const text = String(v);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }

  function updateDownload(shown) {
    const scenarioColumns = DATA.table_columns.filter(c => !THRESHOLDS.has(c));
    const timeColumns = DATA.breakdown.map(b => b.key);
    // The row's expert count E as n_experts: `experts` is the scenario's rule (dense, sparse, E=16).
    const names = CSV_FIELDS.map(f => (f === "experts" ? "n_experts" : f));
    const lines = [scenarioColumns.concat(names, timeColumns).join(",")];
    let count = 0;
    shown.forEach(s => {
      for (let i = 0; i < state.walks[s.index].keep; i++) {
        lines.push(scenarioColumns.map(c => csvCell(s.table[c]))
          .concat(CSV_FIELDS.concat(timeColumns).map(f => csvCell(s.rows[f][i]))).join(","));
        count++;
      }
    });
    if (state.csvUrl) URL.revokeObjectURL(state.csvUrl);
    state.csvUrl = URL.createObjectURL(new Blob([lines.join("\n") + "\n"], { type: "text/csv" }));
    const link = document.getElementById("download");
    link.href = state.csvUrl;
    link.dataset.rows = String(count);
    document.getElementById("shown-count").textContent =
      `${shown.length} of ${DATA.scenarios.length} scenarios, ${count} frontier rows`;
  }

  // ---- putting it together -------------------------------------------------------------------
  const DRAW = { utilization: drawUtilization, parallelism: drawParallelism, heatmaps: drawHeatmap };

  function update() {
    const shown = shownScenarios();
    drawTable(shown);
    updateDownload(shown);
    DRAW[state.tab](shown);
  }

  function showTab(name) {
    state.tab = name;
    document.querySelectorAll(".tabs button").forEach(b => b.classList.toggle("active", b.dataset.tab === name));
    Object.keys(DRAW).forEach(t => { document.getElementById("tab-" + t).hidden = t !== name; });
    update();
  }

  function setFraction(value) {
    const f = Number(value);
    if (!(f > 0 && f <= 1)) return;  // keep the last valid threshold while one is typed
    state.fraction = f;
    rewalk();
    update();
  }

  function init() {
    document.getElementById("files").textContent = DATA.files.map(f =>
      `${f.path} (sweep '${f.sweep}', llmsweep ${f.version}, git ${f.git}${f.complete ? "" : ", INCOMPLETE"})`)
      .join("; ");
    buildPickers();
    const fraction = document.getElementById("fraction");
    fraction.value = String(RULES.linear_scaling_fraction);
    fraction.addEventListener("input", () => setFraction(fraction.value));
    document.getElementById("fraction-reset").addEventListener("click", () => {
      fraction.value = String(RULES.linear_scaling_fraction);
      setFraction(fraction.value);
    });
    document.querySelectorAll(".tabs button").forEach(b => b.addEventListener("click", () => showTab(b.dataset.tab)));
    ["parallelism-scenario", "heatmap-pair", "heatmap-metric", "heatmap-facet"].forEach(id =>
      document.getElementById(id).addEventListener("change", update));
    rewalk();
    update();
    window.llmsweepExplorer = { walk: walk, state: state, shown: shownScenarios, data: DATA, showTab: showTab };
  }

  init();
}());
