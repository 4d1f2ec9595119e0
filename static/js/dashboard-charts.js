/* Interactive dashboard charts (#23), drawn with the vendored Apache ECharts.
   Each `.chart-canvas[data-chart-data]` holds the server's SVG chart (the picture without
   JavaScript) and names the id of a <script type="application/json"> block (Django's
   json_script: data, never executed, so the CSP allows it) with the chart's series:
   {kind: "columns"|"bars"|"stacked", title, labels, axis, series: [{name, colour, values,
   urls}], drill, hint, total} (reporting/dashboards/charts.py). The SVG is replaced by an ECharts
   chart: hovering shows the values, clicking a bar (or its row, on a phone) opens the list
   behind it, clicking a unit's name opens the level below. No inline script (CSP). */
(function () {
  "use strict";
  var echarts = window.echarts;
  if (!echarts) { return; }  // the SVG stays
  var NARROW = 500;  // px: below this the chart writes shorter names
  var TEXT = "#212529", MUTED = "#6c757d", LINK = "#0a58ca", GRID_LINE = "#dee2e6";
  var zh = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0;
  var drawn = [];

  function escape(text) { return echarts.format.encodeHTML(String(text)); }

  function go(url) { if (url) { window.location.assign(url); } }

  function sum(spec, index) {
    return spec.series.reduce(function (total, one) { return total + one.values[index]; }, 0);
  }

  function horizontal(spec) { return spec.kind !== "columns"; }

  function height(spec) {
    if (!horizontal(spec)) { return 260; }
    var legend = spec.series.length > 1 ? 28 : 0;
    return Math.max(120, 36 + legend + spec.labels.length * 30);
  }

  function tooltip(spec) {
    return function (params) {
      var points = Array.isArray(params) ? params : [params];
      if (!points.length) { return ""; }
      var index = points[0].dataIndex;
      var lines = ["<strong>" + escape(spec.labels[index]) + "</strong>"];
      points.forEach(function (point) {
        lines.push(point.marker + escape(point.seriesName) + "：<strong data-tooltip-value>" +
          escape(point.value) + "</strong>");
      });
      if (spec.total) {
        lines.push(escape(spec.total) + "：" + escape(sum(spec, index)));
      }
      lines.push('<span class="chart-tip-hint">' + escape(spec.hint) + "</span>");
      return lines.join("<br>");
    };
  }

  function categoryAxis(spec, narrow) {
    var drillable = spec.drill && spec.drill.some(Boolean);
    return {
      type: "category",
      data: spec.axis,
      inverse: horizontal(spec),  // the first (worst) row on top
      triggerEvent: drillable,
      axisTick: { show: false },
      axisLine: { lineStyle: { color: MUTED } },
      axisLabel: {
        color: drillable ? LINK : TEXT,
        width: narrow ? 84 : 140,
        overflow: "truncate",
        interval: 0,
        fontSize: 12
      }
    };
  }

  function valueAxis() {
    return {
      type: "value",
      minInterval: 1,
      axisLabel: { color: MUTED, fontSize: 11 },
      splitLine: { lineStyle: { color: GRID_LINE } }
    };
  }

  function option(spec, narrow) {
    var stacked = spec.kind === "stacked";
    var last = spec.series.length - 1;
    var series = spec.series.map(function (one, position) {
      var label = horizontal(spec)
        ? { show: !stacked || position === last, position: "right", color: TEXT, fontSize: 11 }
        : { show: !narrow, position: "top", color: TEXT, fontSize: 10 };
      if (stacked) {  // the row's total after its last segment
        label.formatter = function (point) { return sum(spec, point.dataIndex); };
      } else if (!horizontal(spec)) {
        label.formatter = function (point) { return point.value ? point.value : ""; };
      }
      return {
        type: "bar",
        name: one.name,
        data: one.values,
        stack: stacked ? "total" : undefined,
        itemStyle: { color: one.colour },
        cursor: one.urls.some(Boolean) ? "pointer" : "default",
        barMaxWidth: horizontal(spec) ? 22 : 16,
        label: label,
        emphasis: { focus: "none" }
      };
    });
    var legend = spec.series.length > 1;
    return {
      animation: false,
      textStyle: { fontFamily: window.getComputedStyle(document.body).fontFamily },
      aria: { enabled: false },  // the container is role="img"; the table is the text
      legend: legend ? { top: 0, left: 0, itemWidth: 12, itemHeight: 10, textStyle: { color: TEXT } } : undefined,
      grid: { left: 4, right: horizontal(spec) ? 36 : 8, top: legend ? 32 : 8, bottom: 4, containLabel: true },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        confine: true,
        formatter: tooltip(spec)
      },
      xAxis: horizontal(spec) ? valueAxis() : categoryAxis(spec, narrow),
      yAxis: horizontal(spec) ? categoryAxis(spec, narrow) : valueAxis(),
      series: series
    };
  }

  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-chart-data"));
    var spec;
    try { spec = JSON.parse(source.textContent); } catch (error) { return; }
    if (!spec.labels.length) { return; }
    container.replaceChildren();  // the server's SVG gives way to the live chart
    container.classList.add("chart-live");
    container.setAttribute("role", "img");
    container.setAttribute("aria-label", spec.title);
    container.style.height = height(spec) + "px";
    var chart = echarts.init(container, null, { renderer: "svg", locale: zh ? "ZH" : "EN" });
    var narrow = container.clientWidth < NARROW;
    chart.setOption(option(spec, narrow));

    chart.on("click", function (params) {
      if (params.componentType === "series") {
        go(spec.series[params.seriesIndex].urls[params.dataIndex]);
      } else if (params.targetType === "axisLabel" || /Axis$/.test(params.componentType)) {
        var index = params.dataIndex != null ? params.dataIndex : spec.axis.indexOf(params.value);
        go(spec.drill[index]);
      }
    });
    // A tap beside a short bar (a phone): a chart of one series opens that row's list.
    chart.getZr().on("click", function (event) {
      if (event.target || spec.series.length !== 1) { return; }
      var point = [event.offsetX, event.offsetY];
      if (!chart.containPixel("grid", point)) { return; }
      var at = chart.convertFromPixel("grid", point);
      var index = horizontal(spec) ? at[1] : at[0];
      if (index >= 0 && index < spec.labels.length) { go(spec.series[0].urls[index]); }
    });
    drawn.push({ chart: chart, spec: spec, container: container, narrow: narrow });
  }

  function resize() {
    drawn.forEach(function (one) {
      var narrow = one.container.clientWidth < NARROW;
      if (narrow !== one.narrow) {
        one.narrow = narrow;
        one.chart.setOption(option(one.spec, narrow));
      }
      one.chart.resize();
    });
  }

  document.querySelectorAll(".chart-canvas[data-chart-data]").forEach(draw);
  if (!drawn.length) { return; }
  var pending = null;
  function later() {
    if (pending) { window.cancelAnimationFrame(pending); }
    pending = window.requestAnimationFrame(function () { pending = null; resize(); });
  }
  if (window.ResizeObserver) {
    var observer = new ResizeObserver(later);
    drawn.forEach(function (one) { observer.observe(one.container); });
  } else {
    window.addEventListener("resize", later);
  }
}());
