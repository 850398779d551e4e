// Latitude satisfaction pages: Chart.js charts drawn from the page's own numbers (json_script
// "chart-data"), each with a table beside it for screen readers and for anyone who prefers numbers.
(function () {
  "use strict";

  // The period picker: editing a date means a custom period.
  var period = document.getElementById("id_period");
  ["id_since", "id_until"].forEach(function (id) {
    var input = document.getElementById(id);
    if (input && period) {
      input.addEventListener("change", function () { period.value = "custom"; });
    }
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // Table views: visually hidden until asked for; screen readers always reach them.
  document.querySelectorAll("[data-toggle-table]").forEach(function (button) {
    var table = document.getElementById(button.dataset.toggleTable);
    if (!table) { return; }
    var showLabel = button.textContent;
    var hideLabel = button.dataset.labelHide || showLabel;
    button.addEventListener("click", function () {
      var hidden = table.classList.toggle("visually-hidden");
      button.setAttribute("aria-expanded", hidden ? "false" : "true");
      button.textContent = hidden ? showLabel : hideLabel;
    });
  });

  var source = document.getElementById("chart-data");
  if (!source || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);

  // Light, high-contrast colours that also survive a black-and-white printer (different lightness).
  var INK = "#212529";
  var BLUE = "#0b5cad";
  var GREY = "#9aa5b1";
  var AMBER = "#b35900";
  var RATING = ["#a4161a", "#d9534f", "#9aa5b1", "#5b9bd5", "#0b5cad"];
  Chart.defaults.color = INK;
  Chart.defaults.borderColor = "#dee2e6";
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false; // numbers first; also keeps print and screenshots complete
  Chart.defaults.maintainAspectRatio = false;

  var percentAxis = { min: 0, max: 100, ticks: { callback: function (v) { return v + " %"; } } };

  var builders = {
    trend: function (d) {
      return {
        type: "bar",
        data: {
          labels: d.labels,
          datasets: [
            { type: "line", label: d.csatLabel, data: d.csat, yAxisID: "y", borderColor: BLUE, backgroundColor: BLUE,
              borderWidth: 2, pointRadius: 3, spanGaps: true, tension: 0.2, order: 1 },
            { type: "bar", label: d.responsesLabel, data: d.responses, yAxisID: "y1", backgroundColor: GREY, order: 2 }
          ]
        },
        options: {
          scales: {
            y: percentAxis,
            y1: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, ticks: { precision: 0 } }
          }
        }
      };
    },
    distribution: function (d) {
      return {
        type: "bar",
        data: {
          labels: d.labels,
          datasets: [
            { label: d.currentLabel, data: d.current, backgroundColor: RATING },
            { label: d.previousLabel, data: d.previous, backgroundColor: "rgba(154,165,177,.45)", borderColor: GREY, borderWidth: 1 }
          ]
        },
        options: { scales: { y: percentAxis } }
      };
    },
    reasons: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [{ label: d.countLabel, data: d.counts, backgroundColor: AMBER }] },
        options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
      };
    },
    offscript: function (d) {
      return {
        type: "bar",
        data: {
          labels: d.labels,
          datasets: [
            { label: d.csatLabel, data: d.csat, backgroundColor: BLUE },
            { label: d.reopenLabel, data: d.reopen, backgroundColor: AMBER }
          ]
        },
        options: { scales: { y: percentAxis } }
      };
    }
  };

  // The operational report: tickets created and solved, and the backlog at each day's end.
  builders.volume = function (d) {
    return {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [
          { label: d.createdLabel, data: d.created, backgroundColor: GREY },
          { label: d.solvedLabel, data: d.solved, backgroundColor: BLUE }
        ]
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    };
  };
  builders.backlog = function (d) {
    return {
      type: "line",
      data: {
        labels: d.labels,
        datasets: [
          { label: d.openLabel, data: d.open, borderColor: BLUE, backgroundColor: BLUE, pointRadius: 0, spanGaps: true },
          { label: d.pendingLabel, data: d.pending, borderColor: AMBER, backgroundColor: AMBER, pointRadius: 0, spanGaps: true, borderDash: [6, 3] }
        ]
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    };
  };

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var kind = canvas.dataset.chart;
    if (builders[kind] && data[kind]) {
      new Chart(canvas, builders[kind](data[kind]));
    }
  });

  // Printing: let every chart fit the paper, then the screen again.
  function resizeAll() {
    Object.values(Chart.instances).forEach(function (chart) { chart.resize(); });
  }
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();
