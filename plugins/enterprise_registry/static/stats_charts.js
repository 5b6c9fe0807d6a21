/* 全市概况图: two bar charts drawn with the vendored ECharts from the data
   the page puts in #chart-data's data-chart attribute (no inline script: CSP).
   A click on a bar opens the drill-through list of the enterprises it counts. */
(function () {
  "use strict";
  function draw(el, items, rotate) {
    if (!el || !window.echarts) { return; }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 16, top: 24, bottom: rotate ? 110 : 40 },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "category", data: items.map(function (d) { return d.name; }),
               axisLabel: { interval: 0, rotate: rotate ? 45 : 0, fontSize: 12 } },
      yAxis: { type: "value", name: "家", minInterval: 1 },
      series: [{ type: "bar", name: "入库科企数", data: items.map(function (d) { return d.value; }),
                 itemStyle: { color: "#1a6fc9" }, label: { show: true, position: "top" }, barMaxWidth: 48 }]
    });
    chart.on("click", function (p) {
      var d = items[p.dataIndex];
      if (d && d.url) { window.location.href = d.url; }
    });
    el.setAttribute("data-drawn", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function start() {
    var holder = document.getElementById("chart-data");
    if (!holder) { return; }
    var data = JSON.parse(holder.getAttribute("data-chart"));
    draw(document.getElementById("chart-districts"), data.districts, true);
    draw(document.getElementById("chart-zones"), data.zones, false);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
