// The support network: supporters above the parties they supported (layered by longest path),
// nodes coloured by side, edges labelled with the kind of support and its dates. A day hides
// the relations that had not begun or had ended by then (an edge ending on the day still shows).
(function () {
  "use strict";
  var X = window.Explorer;
  var relations = X.rows("who-supported-whom");
  var memberships = X.rows("sides");
  if (X.nothing(relations.length, "No support relations to draw in this graph.")) { return; }

  var sides = {};
  memberships.forEach(function (m) { sides[m.side] = m.sideLabel; });
  var sideOrder = Object.keys(sides).sort(function (a, b) { return sides[a].localeCompare(sides[b]); });
  var sideColour = {};
  var SIDE_PALETTE = ["#4d4d4d", "#e69f00", "#c8102e", "#009e73", "#0072b2", "#cc79a7"];
  sideOrder.forEach(function (side, i) { sideColour[side] = SIDE_PALETTE[i] || X.colour(i); });
  var NO_SIDE = "#ffffff";

  var nodes = {};
  var node = function (iri, label) {
    if (!nodes[iri]) {
      var own = memberships.filter(function (m) { return m.member === iri; });
      nodes[iri] = { iri: iri, label: label, side: own.length ? own[0].side : "", memberships: own,
                     out: [], inn: [], layer: 0 };
    }
    return nodes[iri];
  };
  var edges = relations.map(function (r, i) {
    var edge = { id: i, from: node(r.supporter, r.supporterLabel), to: node(r.supported, r.supportedLabel),
                 kind: r.kind || "support", start: r.start || "", end: r.end || "", refs: r.references || "" };
    edge.from.out.push(edge);
    edge.to.inn.push(edge);
    return edge;
  });
  var list = Object.keys(nodes).map(function (k) { return nodes[k]; });

  // Layers: a node sits one below the lowest of its supporters (cycles are cut by a depth cap).
  for (var round = 0; round < list.length; round += 1) {
    edges.forEach(function (e) {
      if (e.from !== e.to && e.to.layer < e.from.layer + 1) { e.to.layer = Math.min(e.from.layer + 1, list.length); }
    });
  }
  var layers = [];
  list.forEach(function (n) { (layers[n.layer] = layers[n.layer] || []).push(n); });
  layers = layers.filter(Boolean);

  var sideRank = function (n) { var i = sideOrder.indexOf(n.side); return i < 0 ? sideOrder.length : i; };
  var labelWidth = function (text) {
    var probe = X.svg(10, 10, "");
    var t = X.text(probe, text, { "class": "node-label" });
    var width = t.getBBox().width;
    return Math.max(width + 28, 90);
  };
  list.forEach(function (n) { n.width = labelWidth(n.label); });

  var GAP = 56, TOP = 40, ROW = 230, HEIGHT = 44;
  var place = function (layer) {
    var x = 0;
    layer.forEach(function (n) { n.x = x + n.width / 2; x += n.width + GAP; });
    return x - GAP;
  };
  layers.forEach(function (layer, i) {
    if (i === 0) {
      layer.sort(function (a, b) { return sideRank(a) - sideRank(b) || a.label.localeCompare(b.label); });
    } else {
      layer.forEach(function (n) {
        var xs = n.inn.map(function (e) { return e.from.x; });
        n.bary = xs.length ? xs.reduce(function (s, v) { return s + v; }, 0) / xs.length : 0;
      });
      layer.sort(function (a, b) { return a.bary - b.bary || sideRank(a) - sideRank(b) || a.label.localeCompare(b.label); });
    }
    place(layer);
  });
  var widest = Math.max.apply(null, layers.map(function (layer) { return place(layer); }));
  var width = Math.max(widest + 80, X.width(600));
  layers.forEach(function (layer, i) {
    var used = place(layer);
    var shift = (width - used) / 2;
    layer.forEach(function (n) { n.x += shift; n.y = TOP + i * ROW + HEIGHT / 2; });
  });
  var height = TOP + (layers.length - 1) * ROW + HEIGHT + 40;

  var dates = function (e) {
    if (e.start && e.end) { return X.readable(e.start) + " – " + X.readable(e.end); }
    if (e.start) { return "from " + X.readable(e.start); }
    if (e.end) { return "until " + X.readable(e.end); }
    return "";
  };
  var visible = function (e, day) {
    return !day || ((!e.start || e.start <= day) && (!e.end || day <= e.end));
  };

  // Parallel edges between the same two nodes bend apart.
  var bundles = {};
  edges.forEach(function (e) { var k = e.from.iri + " " + e.to.iri; (bundles[k] = bundles[k] || []).push(e); });
  Object.keys(bundles).forEach(function (k) {
    bundles[k].forEach(function (e, i) { e.bend = (i - (bundles[k].length - 1) / 2) * 150; });
  });

  var draw = function (day) {
    var svg = X.svg(width, height, "Support network" + (day ? " on " + day : ""));
    var defs = X.el("defs", {}, svg);
    var marker = X.el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 8,
                                   markerHeight: 8, orient: "auto-start-reverse" }, defs);
    X.el("path", { d: "M0,0 L10,5 L0,10 z", fill: "#444" }, marker);
    var edgeLayer = X.el("g", { "class": "edges" }, svg);
    var labelLayer = X.el("g", { "class": "edge-labels" }, svg);
    var nodeLayer = X.el("g", { "class": "nodes" }, svg);
    var shown = 0, placed = [];
    edges.forEach(function (e) {
      if (!visible(e, day)) { return; }
      shown += 1;
      var x1 = e.from.x, y1 = e.from.y + HEIGHT / 2, x2 = e.to.x, y2 = e.to.y - HEIGHT / 2 - 2;
      var cx = (x1 + x2) / 2 + e.bend, cy = (y1 + y2) / 2;
      var title = e.from.label + " → " + e.to.label + ": " + e.kind + (dates(e) ? ", " + dates(e) : "") +
                  (e.refs ? " [refs " + e.refs + "]" : "");
      var g = X.el("g", { "class": "edge", "data-supporter": e.from.iri, "data-supported": e.to.iri,
                          "data-kind": e.kind, "data-start": e.start, "data-end": e.end }, edgeLayer);
      X.el("title", {}, g).textContent = title;
      X.el("path", { d: "M" + x1 + "," + y1 + " Q" + cx + "," + cy + " " + x2 + "," + y2,
                     "class": "edge-line" + (e.end ? " ends" : ""), "marker-end": "url(#arrow)" }, g);
      var label = X.el("g", { "class": "edge-label-group", "data-edge": e.id }, labelLayer);
      X.text(label, e.kind, { x: 0, y: dates(e) ? -4 : 4, "class": "edge-label" });
      if (dates(e)) { X.text(label, dates(e), { x: 0, y: 11, "class": "edge-label edge-dates" }); }
      // The first spot along the curve where the label overlaps no label placed before it.
      var box = label.getBBox();
      var spot = [0.5, 0.38, 0.62, 0.28, 0.72].map(function (t) {
        var u = 1 - t;
        return { x: u * u * x1 + 2 * u * t * cx + t * t * x2, y: u * u * y1 + 2 * u * t * cy + t * t * y2 };
      }).filter(function (p) {
        return placed.every(function (q) {
          return Math.abs(p.x - q.x) > (box.width + q.width) / 2 + 4 || Math.abs(p.y - q.y) > (box.height + q.height) / 2 + 2;
        });
      })[0] || { x: (x1 + x2) / 2 + e.bend / 2, y: (y1 + y2) / 2 };
      placed.push({ x: spot.x, y: spot.y, width: box.width, height: box.height });
      label.setAttribute("transform", "translate(" + spot.x + "," + spot.y + ")");
    });
    list.forEach(function (n) {
      var active = !day || n.out.concat(n.inn).some(function (e) { return visible(e, day); });
      var fill = n.side ? sideColour[n.side] : NO_SIDE;
      var sideText = n.side ? sides[n.side] : "not on a side in the infobox";
      var a = X.link(nodeLayer, n.iri, n.label + " (" + sideText + ")", {
        "class": "node" + (active ? "" : " idle") + (n.iri === X.focus ? " focus" : ""),
        "data-iri": n.iri, "data-side": n.side });
      X.el("rect", { x: n.x - n.width / 2, y: n.y - HEIGHT / 2, width: n.width, height: HEIGHT, rx: 8,
                     fill: fill, stroke: n.side ? "#1b1b1b" : "#777" }, a);
      X.text(a, n.label, { x: n.x, y: n.y + 5, "class": "node-label", fill: X.ink(fill) });
    });
    var note = document.getElementById("day-note");
    note.textContent = day ? "As of " + X.readable(day) + ": " + shown + " of " + edges.length + " support relations."
                           : "All " + edges.length + " support relations, whatever their dates.";
  };

  var bounds = [];
  edges.forEach(function (e) { if (e.start) { bounds.push(X.day(e.start)); } if (e.end) { bounds.push(X.day(e.end)); } });
  memberships.forEach(function (m) { if (m.since) { bounds.push(X.day(m.since)); } if (m.until) { bounds.push(X.day(m.until)); } });
  if (!bounds.length) { bounds = [X.day(new Date().toISOString())]; }
  var set = X.dayControl(Math.min.apply(null, bounds) - 30, Math.max.apply(null, bounds) + 30, X.chart.dataset.day, draw);
  document.getElementById("day-clear").addEventListener("click", function () { set("", null); });

  var legend = sideOrder.map(function (side) { return { colour: sideColour[side], label: sides[side] }; });
  legend.push({ colour: NO_SIDE, border: "1px solid #777", label: "not on a side in the infobox" });
  X.legend(legend);
  X.drawn();
})();
