// The map: places with verified coordinates on a plain equirectangular projection (true scale
// along the middle parallel) with a scale bar, the events at them, and who held each on a chosen
// day (the controller-on-date query, asked through /explorer/data). Country outlines are drawn
// when the world-atlas data is installed; nothing is fetched from outside.
(function () {
  "use strict";
  var X = window.Explorer;
  var POINT = /^\s*POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)\s*$/i;
  var places = X.rows("explorer-places").map(function (r) {
    var m = POINT.exec(r.wkt);
    return m ? { iri: r.place, label: r.label, arabic: r.arabic || "", kind: r.kind || "place", lon: +m[1], lat: +m[2], events: [] } : null;
  }).filter(Boolean);
  if (X.nothing(places.length, "No place in this graph has verified coordinates, so there is nothing to " +
                "place on the map; its events are on the timeline.")) { return; }
  var byIri = {};
  places.forEach(function (p) { byIri[p.iri] = p; });
  X.rows("explorer-event-places").forEach(function (r) {
    if (byIri[r.place]) { byIri[r.place].events.push(r); }
  });
  var periods = X.rows("explorer-control");
  var controllers = {};
  periods.forEach(function (p) { controllers[p.controller] = p.controllerLabel; });
  var controllerColour = {};
  Object.keys(controllers).sort(function (a, b) { return controllers[a].localeCompare(controllers[b]); })
    .forEach(function (iri, i) { controllerColour[iri] = X.colour(i); });
  var controlled = {};
  periods.forEach(function (p) { controlled[p.place] = true; });
  var UNKNOWN = "#bdbdbd";

  // Countries and governorates are areas: their label points do not set the view (Iraq's and
  // Jordan's would shrink the Euphrates valley to a corner), and they are drawn only inside it.
  var AREAS = { country: true, governorate: true };
  var framing = places.filter(function (p) { return !AREAS[p.kind]; });
  if (!framing.length) { framing = places; }
  var lons = framing.map(function (p) { return p.lon; }), lats = framing.map(function (p) { return p.lat; });
  var west = Math.min.apply(null, lons) - 1.2, east = Math.max.apply(null, lons) + 1.2;
  var south = Math.min.apply(null, lats) - 0.9, north = Math.max.apply(null, lats) + 0.9;
  places = places.filter(function (p) { return p.lon >= west && p.lon <= east && p.lat >= south && p.lat <= north; });
  var cosLat = Math.cos((north + south) / 2 * Math.PI / 180);
  var width = X.width(640);
  var k = Math.min(width / ((east - west) * cosLat), 640 / (north - south));
  width = Math.round((east - west) * cosLat * k);
  var height = Math.round((north - south) * k);
  var project = function (lon, lat) { return [(lon - west) * cosLat * k, (north - lat) * k]; };

  var svg = X.svg(width, height, "Map of " + places.length + " places");
  X.el("rect", { x: 0, y: 0, width: width, height: height, "class": "map-frame" }, svg);
  var outlineLayer = X.el("g", { "class": "outlines" }, svg);
  var grid = X.el("g", {}, svg);
  for (var lon = Math.ceil(west); lon <= east; lon += 1) {
    var gx = project(lon, north)[0];
    X.el("line", { x1: gx, x2: gx, y1: 0, y2: height, "class": "graticule" }, grid);
    X.text(grid, lon + "°E", { x: gx + 3, y: height - 6, "class": "graticule-label" });
  }
  for (var lat = Math.ceil(south); lat <= north; lat += 1) {
    var gy = project(west, lat)[1];
    X.el("line", { x1: 0, x2: width, y1: gy, y2: gy, "class": "graticule" }, grid);
    X.text(grid, lat + "°N", { x: 4, y: gy - 4, "class": "graticule-label" });
  }

  // Scale bar: the longest round distance that fits in about a sixth of the width.
  var kmPerPx = 111.32 / k;
  var km = [10, 20, 25, 50, 100, 200, 250, 500].filter(function (d) { return d / kmPerPx <= width / 6; }).pop() || 10;
  var bar = X.el("g", { "class": "scale-bar", transform: "translate(" + (width - 40 - km / kmPerPx) + "," + (height - 28) + ")" }, svg);
  X.el("line", { x1: 0, x2: km / kmPerPx, y1: 0, y2: 0 }, bar);
  X.el("line", { x1: 0, x2: 0, y1: -5, y2: 5 }, bar);
  X.el("line", { x1: km / kmPerPx, x2: km / kmPerPx, y1: -5, y2: 5 }, bar);
  X.text(bar, km + " km", { x: km / kmPerPx / 2, y: -8, "text-anchor": "middle" });

  var marks = X.el("g", { "class": "places" }, svg);
  var day = "";
  var holders = {};

  var draw = function () {
    marks.textContent = "";
    var labels = [];
    places.forEach(function (p) {
      var xy = project(p.lon, p.lat);
      var holder = holders[p.iri];
      var fill = holder ? controllerColour[holder.controller] || UNKNOWN : UNKNOWN;
      var holderText = holder ? holder.controllerLabel : (controlled[p.iri] ? "no holder recorded that day" : "no control data");
      p.events.forEach(function (e, i) {
        var angle = -Math.PI / 2 + i * 2 * Math.PI / Math.max(p.events.length, 6);
        var ex = xy[0] + 17 * Math.cos(angle), ey = xy[1] + 17 * Math.sin(angle);
        var later = day && e.date > day;
        // An event known only to be near the place, or in its region, is drawn with a dashed ring.
        var loose = e.precision && e.precision !== "at the place";
        var a = X.link(marks, e.event, X.readable(e.date) + ": " + e.label + (e.kind ? " (" + e.kind + ")" : "") +
                       (e.precision ? "; " + e.precision + " " + p.label : ""), {
          "class": "map-event" + (later ? " later" : "") + (loose ? " loose" : "") + (e.event === X.focus ? " focus" : ""),
          "data-event": e.event, "data-date": e.date, "data-precision": e.precision || "" });
        X.el("circle", { cx: ex, cy: ey, r: 5 }, a);
      });
      var a = X.link(marks, p.iri, p.label + (p.arabic ? " / " + p.arabic : "") + " (" + p.kind + "): " + holderText + (day ? " on " + X.readable(day) : "") +
                     "; " + p.events.length + " events", {
        "class": "place" + (p.iri === X.focus ? " focus" : ""), "data-place": p.iri,
        "data-holder": holder ? holder.controller : "" });
      X.el("circle", { cx: xy[0], cy: xy[1], r: 9, fill: fill }, a);
      labels.push({ place: p, link: a, xy: xy, holderText: holderText });
    });
    // Labels where they fit, right of the place or else left of it: places with events first,
    // areas last; a label that would cover another label or another place's marks is left out
    // (the place keeps its tooltip, and the list below names it).
    var discs = labels.map(function (l) {
      return { place: l.place, x0: l.xy[0] - 22, x1: l.xy[0] + 22, y0: l.xy[1] - 22, y1: l.xy[1] + 22 };
    });
    var overlap = function (a, b) { return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1; };
    var drawn = [];
    labels.sort(function (m, n) {
      return (AREAS[m.place.kind] ? 1 : 0) - (AREAS[n.place.kind] ? 1 : 0) ||
        n.place.events.length - m.place.events.length || (m.place.label < n.place.label ? -1 : 1);
    }).forEach(function (l) {
      var p = l.place, xy = l.xy;
      var wide = 7 * Math.max(p.label.length + (p.arabic ? p.arabic.length + 1 : 0), l.holderText.length * 0.85);
      var sides = xy[0] > width - 190 ? [true] : [false, true];
      var fits = function (left) {
        var box = { x0: left ? xy[0] - 26 - wide : xy[0] + 24, x1: left ? xy[0] - 24 : xy[0] + 26 + wide,
                    y0: xy[1] - 14, y1: xy[1] + 17 };
        var clash = drawn.some(function (b) { return overlap(box, b); }) ||
          discs.some(function (d) { return d.place !== p && overlap(box, d); });
        return clash ? null : box;
      };
      var left = null, box = null;
      sides.some(function (side) { box = fits(side); left = side; return box !== null; });
      l.link.setAttribute("data-labelled", box ? "true" : "false");
      if (!box) { return; }
      drawn.push(box);
      var name = X.text(l.link, p.label, { x: xy[0] + (left ? -26 : 26), y: xy[1] - 2, "class": "place-label",
                                           "text-anchor": left ? "end" : "start" });
      if (p.arabic) {
        // The Arabic name beside the English one, in its own span so that it keeps its direction.
        name.appendChild(document.createTextNode(" "));
        var ar = X.el("tspan", { "class": "place-arabic", lang: "ar", direction: "rtl", "unicode-bidi": "embed" }, name);
        ar.textContent = p.arabic;
      }
      X.text(l.link, l.holderText, { x: xy[0] + (left ? -26 : 26), y: xy[1] + 13, "class": "place-holder",
                                     "text-anchor": left ? "end" : "start" });
    });
  };

  var heldList = function () {
    var list = document.getElementById("held");
    list.textContent = "";
    // The rule of controller-on-date.rq: start inclusive, end exclusive, no start = held before,
    // unless the start is only bounded by a latest day.
    periods.filter(function (p) {
      return (!p.start || p.start <= day) && (!p.latest || p.latest <= day) && (!p.end || day < p.end);
    })
      .forEach(function (p) {
        var li = document.createElement("li");
        var place = document.createElement("a");
        place.href = X.href(p.place); place.textContent = p.placeLabel;
        var who = document.createElement("a");
        who.href = X.href(p.controller); who.textContent = p.controllerLabel;
        li.appendChild(place); li.appendChild(document.createTextNode(": "));
        li.appendChild(who);
        if (p.start) { li.appendChild(document.createTextNode(" (since " + X.readable(p.start) + ")")); }
        list.appendChild(li);
      });
  };

  var ask = function (place) {
    var url = "/explorer/data/controller-on-date?place=" + encodeURIComponent(place) + "&day=" + encodeURIComponent(day);
    return fetch(url, { headers: { Accept: "application/sparql-results+json" } })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(function (json) {
        var row = json.results.bindings[0];
        return row ? { controller: row.controller.value, controllerLabel: row.controllerLabel.value } : null;
      });
  };

  var note = document.getElementById("day-note");
  var onDay = function (iso) {
    day = iso;
    heldList();
    var asked = places.filter(function (p) { return controlled[p.iri]; });
    note.textContent = "Asking who held " + asked.length + " places…";
    Promise.all(asked.map(function (p) { return ask(p.iri); })).then(function (answers) {
      if (iso !== day) { return; }
      holders = {};
      asked.forEach(function (p, i) { if (answers[i]) { holders[p.iri] = answers[i]; } });
      note.textContent = "Held on " + X.readable(day) + "; events after that day are hollow.";
      draw();
      X.chart.dataset.day = day;
      X.drawn();
    }).catch(function (error) {
      note.textContent = "Could not ask who held the places (" + error.message + ").";
      holders = {};
      draw();
    });
  };

  var dates = [];
  periods.forEach(function (p) { if (p.start) { dates.push(X.day(p.start)); } if (p.end) { dates.push(X.day(p.end)); } });
  draw();
  X.dayControl(Math.min.apply(null, dates) - 14, Math.max.apply(null, dates) + 14,
               document.getElementById("day").value, onDay);

  var legend = Object.keys(controllerColour).map(function (iri) { return { colour: controllerColour[iri], label: controllers[iri] }; });
  legend.push({ colour: UNKNOWN, label: "unknown or no control data" });
  legend.push({ colour: "#243447", border: "1px solid #0d1620", label: "event (hollow: after the day)", className: "event-key" });
  X.legend(legend);

  // TopoJSON (quantized arcs, delta-encoded) to SVG paths, only for rings that reach the view.
  var outlines = function (topology) {
    var t = topology.transform;
    var arcs = topology.arcs.map(function (arc) {
      var x = 0, y = 0;
      return arc.map(function (p) {
        x += p[0]; y += p[1];
        return t ? [x * t.scale[0] + t.translate[0], y * t.scale[1] + t.translate[1]] : [p[0], p[1]];
      });
    });
    var ring = function (indexes) {
      var points = [];
      indexes.forEach(function (i) {
        var arc = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
        points = points.concat(points.length ? arc.slice(1) : arc);
      });
      return points;
    };
    var inView = function (points) {
      return points.some(function (q) { return q[0] >= west && q[0] <= east && q[1] >= south && q[1] <= north; });
    };
    topology.objects.countries.geometries.forEach(function (g) {
      var polygons = g.type === "Polygon" ? [g.arcs] : g.type === "MultiPolygon" ? g.arcs : [];
      var d = "";
      polygons.forEach(function (polygon) {
        polygon.forEach(function (indexes) {
          var points = ring(indexes);
          if (!inView(points)) { return; }
          d += "M" + points.map(function (q) { return project(q[0], q[1]).map(function (v) { return v.toFixed(1); }).join(","); }).join("L") + "Z";
        });
      });
      if (!d) { return; }
      var path = X.el("path", { d: d, "class": "outline" }, outlineLayer);
      X.el("title", {}, path).textContent = (g.properties && g.properties.name) || "";
    });
    document.getElementById("outline-credit").hidden = false;
  };
  fetch("/explorer/outlines.json").then(function (response) {
    return response.ok ? response.json() : null;
  }).then(function (topology) { if (topology) { outlines(topology); } }).catch(function () { /* outlines are optional */ });
})();
