/* Charts of the modeller pages. Data comes from json_script elements; a table with the
   same figures sits under each chart for screen readers and keyboard users. */
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  if (typeof Chart === "undefined") { return; }
  var rc = data("risk-coverage-data");
  var rcCanvas = document.getElementById("risk-coverage-chart");
  if (rc && rcCanvas && rc.length) {
    new Chart(rcCanvas, {
      type: "line",
      data: { datasets: [{ label: "risk / coverage", data: rc.map(function (p) { return { x: p.coverage, y: p.risk }; }),
        borderColor: "#0b4f9c", showLine: true }] },
      options: { maintainAspectRatio: false, parsing: true, scales: { x: { type: "linear", min: 0, max: 1, title: { display: true, text: "coverage" } },
        y: { min: 0, title: { display: true, text: "risk" } } } }
    });
  }
  var fr = data("fallback-rate-data");
  var frCanvas = document.getElementById("fallback-chart");
  if (fr && frCanvas && fr.length) {
    new Chart(frCanvas, {
      type: "line",
      data: { labels: fr.map(function (r) { return r.day; }),
        datasets: [{ label: "fallback", data: fr.map(function (r) { return r.rate; }), borderColor: "#a00000" }] },
      options: { maintainAspectRatio: false, scales: { y: { min: 0, max: 1 } } }
    });
  }
}());
