// Draws the statistics charts from the data (and translated series names) the page
// embeds with json_script.
(function () {
  "use strict";
  var source = document.getElementById("chat-chart-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var volume = document.getElementById("chart-volume");
  var service = document.getElementById("chart-service");
  if (volume) {
    new Chart(volume, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.names.offered, data: data.offered, backgroundColor: "#1f5fa8" },
          { label: data.names.answered, data: data.answered, backgroundColor: "#2e7d32" },
          { label: data.names.abandoned, data: data.abandoned, backgroundColor: "#b3261e" }
        ]
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false }
    });
  }
  if (service) {
    new Chart(service, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.names.service_level, data: data.service_level, borderColor: "#1f5fa8", yAxisID: "y" },
          { label: data.names.recommended_agents, data: data.recommended_agents, borderColor: "#8a5a00", yAxisID: "y1" }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          y: { min: 0, max: 100, position: "left" },
          y1: { min: 0, position: "right", grid: { drawOnChartArea: false } }
        }
      }
    });
  }

  // The forecast arrives later as an htmx partial; draw its chart when it does.
  function drawForecast() {
    var source = document.getElementById("chat-forecast-data");
    var canvas = document.getElementById("chart-forecast");
    if (!source || !canvas || canvas.dataset.drawn) {
      return;
    }
    canvas.dataset.drawn = "1";
    var f = JSON.parse(source.textContent);
    var datasets = [
      { label: f.names.mean, data: f.mean, borderColor: "#1f5fa8", pointRadius: 0, yAxisID: "y" }
    ];
    if (f.upper.length) {
      datasets.push({ label: f.names.upper, data: f.upper, borderColor: "#9db7d9", borderDash: [4, 4], pointRadius: 0, yAxisID: "y" });
      datasets.push({ label: f.names.lower, data: f.lower, borderColor: "#9db7d9", borderDash: [4, 4], pointRadius: 0, yAxisID: "y" });
    }
    datasets.push({ label: f.names.agents, data: f.agents, borderColor: "#8a5a00", stepped: true, pointRadius: 0, yAxisID: "y1" });
    datasets.push({ label: f.names.schedule, data: f.schedule, borderColor: "#2e7d32", stepped: true, pointRadius: 0, yAxisID: "y1" });
    new Chart(canvas, {
      type: "line",
      data: { labels: f.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          y: { min: 0, position: "left" },
          y1: { min: 0, position: "right", grid: { drawOnChartArea: false }, ticks: { precision: 0 } }
        }
      }
    });
  }
  drawForecast();
  document.body.addEventListener("htmx:afterSettle", drawForecast);
})();
