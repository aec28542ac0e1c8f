// Shared helpers of the explorer views: the query results embedded in the page, SVG building,
// days as numbers, colours, and links to our own resource pages. No outside code or services.
(function () {
  "use strict";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var DAY_MS = 86400000;
  var chart = document.getElementById("explorer-chart");
  var X = {};
  window.Explorer = X;

  X.chart = chart;
  X.base = chart.dataset.base;
  X.focus = chart.dataset.focus || "";
  X.data = JSON.parse(document.getElementById("explorer-data").textContent);

  // The rows of a named query's results as plain objects: variable -> value (absent if unbound).
  X.rows = function (name) {
    var result = X.data[name];
    if (!result) { return []; }
    return result.results.bindings.map(function (binding) {
      var row = {};
      Object.keys(binding).forEach(function (key) { row[key] = binding[key].value; });
      return row;
    });
  };

  // Our own address for an IRI of ours (as kg.pages.resource.local_href does), else the IRI.
  X.href = function (iri) {
    return iri.indexOf(X.base) === 0 ? "/" + iri.slice(X.base.length) : iri;
  };

  X.el = function (tag, attrs, parent) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (attrs[key] !== undefined && attrs[key] !== null) { node.setAttribute(key, attrs[key]); }
    });
    if (parent) { parent.appendChild(node); }
    return node;
  };

  X.text = function (parent, content, attrs) {
    var node = X.el("text", attrs, parent);
    node.textContent = content;
    return node;
  };

  // A link to a resource page around SVG marks, with a tooltip.
  X.link = function (parent, iri, title, attrs) {
    var a = X.el("a", attrs, parent);
    a.setAttribute("href", X.href(iri));
    X.el("title", {}, a).textContent = title;
    return a;
  };

  // The room the chart has, measured on its container (the chart itself may still be empty).
  X.width = function (least) {
    return Math.max(X.chart.clientWidth || least, least);
  };

  X.svg = function (width, height, label) {
    chart.textContent = "";
    var svg = X.el("svg", { width: width, height: height, viewBox: "0 0 " + width + " " + height,
                            role: "img", "aria-label": label }, chart);
    return svg;
  };

  // Days since 1970-01-01 for a YYYY-MM-DD date (time zones play no part).
  X.day = function (iso) {
    var p = iso.slice(0, 10).split("-");
    return Date.UTC(+p[0], +p[1] - 1, +p[2]) / DAY_MS;
  };
  X.iso = function (day) { return new Date(day * DAY_MS).toISOString().slice(0, 10); };
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  X.readable = function (iso) {
    var p = iso.split("-");
    return (+p[2]) + " " + MONTHS[+p[1] - 1] + " " + p[0];
  };
  X.monthName = function (yyyyMm) {
    var p = yyyyMm.split("-");
    return MONTHS[+p[1] - 1] + " " + p[0];
  };

  // Colour-blind-safe colours first (Okabe-Ito and friends), then evenly spread hues.
  var PALETTE = ["#e69f00", "#0072b2", "#c8102e", "#009e73", "#cc79a7", "#56b4e9", "#8c564b",
                 "#6a3d9a", "#4d4d4d", "#b8860b", "#1b9e77", "#d95f02", "#7570b3", "#e7298a"];
  X.colour = function (index) {
    if (index < PALETTE.length) { return PALETTE[index]; }
    return "hsl(" + Math.round((index * 137.5) % 360) + ", 55%, 45%)";
  };
  // Dark or light text, whichever reads better on a fill.
  X.ink = function (fill) {
    var probe = document.createElement("canvas").getContext("2d");
    probe.fillStyle = fill;
    var hex = probe.fillStyle;
    if (hex.charAt(0) !== "#") { return "#fff"; }
    var r = parseInt(hex.substr(1, 2), 16), g = parseInt(hex.substr(3, 2), 16), b = parseInt(hex.substr(5, 2), 16);
    return (0.299 * r + 0.587 * g + 0.114 * b) > 150 ? "#1b1b1b" : "#fff";
  };

  X.legend = function (entries) {
    var box = document.getElementById("legend");
    if (!box) { return; }
    box.textContent = "";
    entries.forEach(function (entry) {
      var item = document.createElement("span");
      item.className = "legend-item" + (entry.className ? " " + entry.className : "");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = entry.colour;
      if (entry.border) { swatch.style.border = entry.border; }
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(entry.label));
      box.appendChild(item);
    });
  };

  // A date input and a range slider that move together over [first, last] (day numbers).
  X.dayControl = function (first, last, initial, onChange) {
    var input = document.getElementById("day");
    var slider = document.getElementById("day-slider");
    slider.min = first; slider.max = last;
    input.min = X.iso(first); input.max = X.iso(last);
    var set = function (iso, from) {
      if (from !== input) { input.value = iso || ""; }
      if (from !== slider && iso) { slider.value = X.day(iso); }
      onChange(iso || "");
    };
    input.addEventListener("change", function () { set(input.value, input); });
    input.addEventListener("input", function () { if (input.value) { set(input.value, input); } });
    slider.addEventListener("input", function () { set(X.iso(+slider.value), slider); });
    set(initial, null);
    return set;
  };

  // Called once a view is drawn: the table stays below, folded, for those who want it.
  X.drawn = function () {
    chart.dataset.drawn = "true";
    var details = document.querySelector("details.explorer-data");
    if (details) { details.open = false; }
  };

  // In place of a chart when there is nothing to draw (a window without events, a graph without
  // coordinates): says so, and the view is drawn. True when it did.
  X.nothing = function (count, message) {
    if (count) { return false; }
    chart.textContent = "";
    var note = document.createElement("p");
    note.className = "explorer-nothing";
    note.textContent = message;
    chart.appendChild(note);
    X.drawn();
    return true;
  };
})();
