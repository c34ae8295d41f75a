// Draws every <canvas data-chart="ID"> with Chart.js from the JSON in <script id="ID">
// (rendered by Django's json_script: no inline script, CSP-safe). The same numbers are always
// in a table next to the chart, which screen readers use instead.
(function () {
  "use strict";

  var COLOURS = ["#1f6feb", "#d9480f", "#2b8a3e", "#862e9c", "#e67700", "#0b7285"];

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var type = data.type || "line";
    var axes = {};
    var datasets = data.datasets.map(function (set, index) {
      var axis = set.axis || "y";
      axes[axis] = true;
      var colour = COLOURS[index % COLOURS.length];
      return {
        label: set.label,
        data: set.data,
        yAxisID: axis,
        borderColor: colour,
        backgroundColor: colour,
        spanGaps: true,
        tension: 0.2,
      };
    });
    var scales = {};
    Object.keys(axes).forEach(function (axis, index) {
      scales[axis] = {
        beginAtZero: true,
        position: index === 0 ? "left" : "right",
        grid: { drawOnChartArea: index === 0 },
      };
    });
    canvas.chart = new window.Chart(canvas, {
      type: type,
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        locale: document.documentElement.lang || "de",
        scales: scales,
      },
    });
    canvas.dataset.drawn = "true";
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
