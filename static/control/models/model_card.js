// Charts of the model card. Data comes from the json_script block, never inline JSON.
(function () {
  "use strict";
  var node = document.getElementById("model-card-chart-data");
  if (!node || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var lang = document.documentElement.lang === "en" ? "en" : "nb";
  var t = {
    nb: { model: "Modellen", rule: "Gammel regel", random: "Tilfeldig", controlled: "Kontrollert (%)",
          caught: "Avdekket (%)", predicted: "Forventet (%)", observed: "Observert (%)", ideal: "Perfekt kalibrert" },
    en: { model: "Model", rule: "Old rule", random: "Random", controlled: "Controlled (%)",
          caught: "Caught (%)", predicted: "Predicted (%)", observed: "Observed (%)", ideal: "Perfectly calibrated" }
  }[lang];
  var gains = data.gains;
  var gainsSets = [{ label: t.model, data: gains.model, borderColor: "#00509e", fill: false }];
  if (gains.old_rule.length) {
    gainsSets.push({ label: t.rule, data: gains.old_rule, borderColor: "#b35c00", borderDash: [6, 3], fill: false });
  }
  gainsSets.push({ label: t.random, data: gains.random, borderColor: "#777", borderDash: [2, 2], fill: false });
  new Chart(document.getElementById("chart-gains"), {
    type: "line",
    data: { labels: gains.share, datasets: gainsSets },
    options: { maintainAspectRatio: false, animation: false, scales: { x: { title: { display: true, text: t.controlled } },
                                            y: { min: 0, max: 100, title: { display: true, text: t.caught } } } }
  });
  var cal = data.calibration;
  var points = cal.predicted.map(function (p, i) { return { x: p, y: cal.observed[i] }; });
  var top = Math.max.apply(null, cal.predicted.concat(cal.observed).concat([1]));
  new Chart(document.getElementById("chart-calibration"), {
    type: "scatter",
    data: { datasets: [
      { label: t.model, data: points, backgroundColor: "#00509e" },
      { label: t.ideal, data: [{ x: 0, y: 0 }, { x: top, y: top }], type: "line", borderColor: "#777",
        borderDash: [2, 2], pointRadius: 0 }
    ] },
    options: { maintainAspectRatio: false, animation: false, scales: { x: { title: { display: true, text: t.predicted } },
                                            y: { title: { display: true, text: t.observed } } } }
  });
})();
