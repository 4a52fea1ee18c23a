// Draws the dashboard's charts from the JSON the page carries (id="chart-data"), when the
// page comes with its figures and when htmx brings them in.
(function () {
  const drawn = [];
  window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
  function draw() {
    const holder = document.getElementById("charts");
    const source = document.getElementById("chart-data");
    if (!holder || !source || !window.echarts || holder.dataset.rendered) return;
    const charts = JSON.parse(source.textContent);
    const palette = ["#b3261e", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                     "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
    let count = 0;
    charts.forEach(function (spec) {
      const col = document.createElement("div");
      col.className = "col-12 col-lg-6";
      col.innerHTML = '<section class="card h-100"><div class="card-body"><h2 class="h6"></h2>' +
        '<div class="chart" style="height:320px" role="img"></div></div></section>';
      col.querySelector("h2").textContent = spec.title;
      const el = col.querySelector(".chart");
      el.id = "chart-" + spec.id;
      el.setAttribute("aria-label", spec.title);
      holder.appendChild(col);
      const chart = echarts.init(el, null, { renderer: "svg" });
      let option;
      if (spec.type === "pie") {
        option = {
          color: palette, tooltip: { trigger: "item" },
          series: [{ type: "pie", radius: ["35%", "65%"], data: spec.series[0].data }],
        };
      } else {
        option = {
          color: palette,
          tooltip: { trigger: "axis" },
          legend: { type: "scroll", bottom: 0 },
          grid: { left: 48, right: 16, top: 16, bottom: 56, containLabel: true },
          xAxis: { type: "category", data: spec.categories, axisLabel: { interval: 0, rotate: spec.categories.length > 4 ? 30 : 0 } },
          // Figures of different units (events and person-times) each get their own axis.
          yAxis: spec.axes ? spec.axes.map(function (name) {
            return { type: "value", name: name, splitLine: { show: name === spec.axes[0] } };
          }) : { type: "value" },
          series: spec.series.map(function (s) {
            const type = s.type || spec.type;
            return { name: s.name, type: type, data: s.data, yAxisIndex: s.axis || 0,
                     // A line over categories (kinds) is not a trend: no smoothing.
                     stack: spec.stack ? "total" : undefined, smooth: type === "line" && !s.type };
          }),
        };
      }
      chart.setOption(option);
      drawn.push(chart);
      count += 1;
    });
    holder.dataset.rendered = String(count);
  }
  draw();
  document.body.addEventListener("htmx:afterSettle", draw);
})();
