// Draws the dashboard's charts from the JSON the page carries (id="chart-data"), when the
// page comes with its figures and when htmx brings them in.
(function () {
  const drawn = [];
  const palette = ["#b3261e", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                   "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
  // The options by the chart's width (chamber.js): a narrow chart rotates and wraps its
  // axis labels and keeps its pie labels inside the slices.
  function chartOption(spec, el, colors) {
    if (spec.type === "pie") {
      return Object.assign({ color: colors, tooltip: { trigger: "item" } }, Chamber.pie(el, spec.series[0].data));
    }
    return {
      color: colors,
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: spec.categories, axisLabel: Chamber.axisLabel(el, spec.categories) },
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
  window.addEventListener("resize", function () {
    drawn.forEach(function (c) {
      c.setOption(chartOption(c.spec, c.getDom(), palette), { replaceMerge: ["series"] });
      c.resize();
    });
  });
  function draw() {
    const holder = document.getElementById("charts");
    const source = document.getElementById("chart-data");
    if (!holder || !source || !window.echarts || holder.dataset.rendered) return;
    const charts = JSON.parse(source.textContent);
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
      const option = chartOption(spec, el, palette);
      chart.setOption(option);
      chart.spec = spec;
      drawn.push(chart);
      count += 1;
    });
    holder.dataset.rendered = String(count);
  }
  draw();
  document.body.addEventListener("htmx:afterSettle", draw);
})();
