// Task page: each indicator's trajectory — 序时进度 expected against approved figures.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var block = document.getElementById("series-data");
    if (!block || typeof echarts === "undefined") { return; }
    JSON.parse(block.textContent).forEach(function (s) {
      var el = document.getElementById("series-" + s.id);
      if (!el) { return; }
      echarts.init(el).setOption({
        title: { text: s.name, textStyle: { fontSize: 13 } },
        tooltip: { trigger: "axis", renderMode: "richText" },
        legend: { top: 30 }, grid: { top: 66, left: 8, right: 16, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: s.labels },
        yAxis: { type: "value", name: s.unit, max: function (v) { return Math.max(v.max, s.target || 0); } },
        series: [
          { name: "序时进度要求", type: "line", data: s.expected, lineStyle: { type: "dashed" }, itemStyle: { color: "#8c8c8c" } },
          { name: "审核通过值", type: "bar", data: s.approved, itemStyle: { color: "#1456b8" } }
        ]
      });
    });
  });
})();
