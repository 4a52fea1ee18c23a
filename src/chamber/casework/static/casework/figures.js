// The chart of the children's figures, drawn from the table beside it (labels from the
// element's data-labels: visits|raised|resolved, translated by the template).
(function () {
  var el = document.getElementById("chart-children");
  if (!window.echarts || !el) return;
  var labels = (el.dataset.labels || "Visits|Raised|Resolved").split("|");
  var rows = Array.prototype.map.call(document.querySelectorAll("#fig-children tbody tr[data-code]"), function (tr) {
    var td = tr.querySelectorAll("td");
    return { name: td[0].innerText, visits: +td[1].innerText, raised: +td[3].innerText, resolved: +td[4].innerText };
  });
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: labels },
    grid: { left: 40, right: 10, top: 36, bottom: 70 },
    xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: window.Chamber && Chamber.axisLabel ? Chamber.axisLabel(el, rows) : { rotate: 30 } },
    yAxis: { type: "value" },
    series: [
      { name: labels[0], type: "bar", data: rows.map(function (r) { return r.visits; }) },
      { name: labels[1], type: "bar", data: rows.map(function (r) { return r.raised; }) },
      { name: labels[2], type: "bar", data: rows.map(function (r) { return r.resolved; }) }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
