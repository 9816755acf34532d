// Charts for the control insight page. The figures come from a json_script element; every
// chart repeats numbers that are also in a table next to it, for screen readers.
(function () {
  "use strict";
  var source = document.getElementById("insight-chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var canvas = document.getElementById("chart-reasons");
  if (canvas) {
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.reasons.labels,
        datasets: [
          { label: data.reasons.title, data: data.reasons.rates, backgroundColor: ["#00509e", "#7a4b00"] },
        ],
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          title: { display: true, text: data.reasons.title },
          legend: { display: false },
          tooltip: {
            callbacks: {
              afterLabel: function (ctx) {
                return "95 %: " + data.reasons.low[ctx.dataIndex] + "–" + data.reasons.high[ctx.dataIndex];
              },
            },
          },
        },
        scales: { y: { beginAtZero: true, suggestedMax: 20 } },
      },
    });
  }
  var progress = document.getElementById("chart-progress");
  if (progress) {
    new Chart(progress, {
      type: "bar",
      data: {
        labels: data.progress.labels,
        datasets: [{ label: data.progress.title, data: data.progress.values, backgroundColor: "#00509e" }],
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        indexAxis: "y",
        plugins: { title: { display: true, text: data.progress.title }, legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }
})();
