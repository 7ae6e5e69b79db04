// 驾驶舱 charts. Data comes from the page's JSON block; every chart clicks through to the task list.
(function () {
  "use strict";
  var COLORS = { green: "#389e0d", blue: "#2f54eb", yellow: "#d4b106", orange: "#d46b08", red: "#cf1322", none: "#8c8c8c" };
  var LABELS = { green: "绿灯", blue: "蓝灯", yellow: "黄灯", orange: "橙灯", red: "红灯", none: "无灯" };
  // The map data names 龙南 by its former county name.
  var MAP_NAMES = { "龙南市": "龙南县" };

  function go(url) { window.location.href = url; }
  function chart(id) {
    var el = document.getElementById(id);
    return el ? echarts.init(el, null, { renderer: "canvas" }) : null;
  }
  var tooltip = { trigger: "axis", renderMode: "richText" };

  document.addEventListener("DOMContentLoaded", function () {
    var block = document.getElementById("chart-data");
    if (!block || typeof echarts === "undefined") { return; }
    var data = JSON.parse(block.textContent);

    var sections = chart("chart-sections");
    if (sections) {
      sections.setOption({
        tooltip: tooltip, legend: { top: 0 }, grid: { left: 8, right: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: data.sections.labels, inverse: true },
        series: Object.keys(LABELS).map(function (light) {
          return { name: LABELS[light], type: "bar", stack: "lights", data: data.sections.series[light],
                   itemStyle: { color: COLORS[light] }, light: light };
        })
      });
      sections.on("click", function (p) {
        go("/tasks?section=" + data.sections.numbers[p.dataIndex] + "&light=" + Object.keys(LABELS)[p.seriesIndex]);
      });
    }

    var trend = chart("chart-trend");
    if (trend) {
      trend.setOption({
        tooltip: tooltip, legend: { top: 0 }, grid: { left: 8, right: 16, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.trend.labels }, yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: "达进度", type: "line", data: data.trend.on_track, itemStyle: { color: COLORS.green } },
          { name: "欠进度", type: "line", data: data.trend.behind, itemStyle: { color: COLORS.orange } },
          { name: "已完成", type: "line", data: data.trend.completed, itemStyle: { color: COLORS.blue } }
        ]
      });
      trend.on("click", function (p) { go(p.seriesIndex === 2 ? "/tasks?status=completed" : "/tasks?sort=light"); });
    }

    var ranking = chart("chart-ranking");
    if (ranking) {
      ranking.setOption({
        tooltip: tooltip, grid: { left: 8, right: 16, bottom: 8, containLabel: true },
        xAxis: { type: "value" }, yAxis: { type: "category", data: data.ranking.labels, inverse: true },
        series: [{ name: "得分", type: "bar", data: data.ranking.totals, itemStyle: { color: "#1456b8" } }]
      });
      ranking.on("click", function (p) { go("/tasks?unit=" + encodeURIComponent(data.ranking.labels[p.dataIndex])); });
    }

    var counties = chart("chart-counties");
    if (counties) {
      counties.setOption({
        tooltip: tooltip, grid: { left: 8, right: 16, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.counties.labels, axisLabel: { interval: 0, rotate: 45 } },
        yAxis: { type: "value", max: 100, name: "完成率%" },
        series: [{ name: "完成率", type: "bar", data: data.counties.completion, itemStyle: { color: "#389e0d" } }]
      });
      counties.on("click", function (p) { go("/tasks?unit=" + encodeURIComponent(data.counties.labels[p.dataIndex])); });
    }

    var map = chart("chart-map");
    if (map && echarts.getMap && echarts.getMap("赣州")) {
      var points = data.counties.labels.map(function (name, i) {
        return { name: MAP_NAMES[name] || name, value: data.counties.completion[i], unit: name };
      });
      map.setOption({
        tooltip: { trigger: "item", renderMode: "richText" },
        visualMap: { min: 0, max: 100, text: ["完成率高", "低"], calculable: true, left: 0, bottom: 0,
                     inRange: { color: ["#fff1f0", "#ffa39e", "#b7eb8f", "#389e0d"] } },
        series: [{ name: "完成率%", type: "map", map: "赣州", data: points, label: { show: true, fontSize: 10 } }]
      });
      map.on("click", function (p) { if (p.data) { go("/tasks?unit=" + encodeURIComponent(p.data.unit)); } });
    }
    window.addEventListener("resize", function () {
      [sections, trend, ranking, counties, map].forEach(function (c) { if (c) { c.resize(); } });
    });
  });
})();
