// The timeline: one row per incident on a date axis, coloured by kind, with casualties. Vague
// dates (approximate or month precision) are drawn as pale spans to their latest or end date, or
// over their month; incidents that last (an end date) as solid spans. The offensives, campaigns
// and series they belong to are not incidents: they are drawn as bands behind the rows, one lane
// each at the top, and never counted. Filters by actor, place and kind.
(function () {
  "use strict";
  var X = window.Explorer;
  var spans = {}, links = {};
  X.rows("explorer-event-spans").forEach(function (r) { spans[r.event] = r; });
  X.rows("explorer-event-links").forEach(function (r) {
    (links[r.event] = links[r.event] || []).push(r);
  });
  var lastOfMonth = function (iso) {
    var p = iso.split("-");
    return X.iso(Date.UTC(+p[0], +p[1], 0) / 86400000);
  };
  var events = X.rows("events").map(function (r) {
    var s = spans[r.event] || {};
    var precision = r.datePrecision || s.datePrecision || "day";
    var vague = precision === "approximate" || precision === "month";
    var until = s.latestDate || s.endDate || (precision === "month" ? lastOfMonth(r.date) : "");
    return {
      iri: r.event, label: r.label, kind: r.kind || "event", date: r.date, until: until, vague: vague,
      precision: precision, start: X.day(r.date), end: until ? X.day(until) : X.day(r.date),
      killed: r.killed, injured: r.injured,
      actors: (links[r.event] || []).filter(function (l) { return l.role === "actor"; }),
      places: (links[r.event] || []).filter(function (l) { return l.role === "place"; })
    };
  });

  if (X.nothing(events.length, "No events to draw in these dates.")) { return; }

  // One band per grouping event (the query gives a row per whole it is part of).
  var groups = [];
  X.rows("explorer-event-groups").forEach(function (r) {
    if (groups.some(function (g) { return g.iri === r.group; })) { return; }
    groups.push({ iri: r.group, label: r.label, kind: r.kind || "grouping event", date: r.date,
                  start: X.day(r.date), end: r.endDate ? X.day(r.endDate) : null, vague: !r.endDate });
  });

  var kindCount = {};
  events.forEach(function (e) { kindCount[e.kind] = (kindCount[e.kind] || 0) + 1; });
  var kinds = Object.keys(kindCount).sort(function (a, b) { return kindCount[b] - kindCount[a] || a.localeCompare(b); });
  var kindColour = {};
  kinds.forEach(function (k, i) { kindColour[k] = X.colour(i); });

  var fill = function (select, items) {
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.value;
      option.textContent = item.label;
      select.appendChild(option);
    });
  };
  var options = function (role) {
    var seen = {};
    events.forEach(function (e) {
      e[role].forEach(function (l) { seen[l.thing] = seen[l.thing] || { value: l.thing, label: l.thingLabel, n: 0 }; seen[l.thing].n += 1; });
    });
    return Object.keys(seen).map(function (k) { return seen[k]; })
      .sort(function (a, b) { return a.label.localeCompare(b.label); })
      .map(function (o) { return { value: o.value, label: o.label + " (" + o.n + ")" }; });
  };
  var actorSelect = document.getElementById("filter-actor");
  var placeSelect = document.getElementById("filter-place");
  var kindSelect = document.getElementById("filter-kind");
  var whole = document.getElementById("whole-period");
  fill(actorSelect, options("actors"));
  fill(placeSelect, options("places"));
  fill(kindSelect, kinds.map(function (k) { return { value: k, label: k + " (" + kindCount[k] + ")" }; }));
  if (X.focus) {
    if (actorSelect.querySelector('option[value="' + CSS.escape(X.focus) + '"]')) { actorSelect.value = X.focus; }
    if (placeSelect.querySelector('option[value="' + CSS.escape(X.focus) + '"]')) { placeSelect.value = X.focus; }
  }

  // The default window leaves out the few background events years before the rest.
  var starts = events.map(function (e) { return e.start; }).sort(function (a, b) { return a - b; });
  var lastDay = Math.max.apply(null, events.map(function (e) { return e.end; })) + 4;
  var windowStart = starts[Math.floor(starts.length * 0.05)] - 4;
  var firstDay = starts[0] - 4;

  var axisTicks = function (from, to) {
    var ticks = [];
    var d = new Date(from * 86400000);
    var long = to - from > 400;
    var cursor = long ? Date.UTC(d.getUTCFullYear(), 0, 1) : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    while (cursor / 86400000 <= to) {
      var day = cursor / 86400000;
      var c = new Date(cursor);
      ticks.push({ day: day, major: true, label: long ? String(c.getUTCFullYear()) : X.monthName(X.iso(day).slice(0, 7)) });
      if (!long) {
        [8, 15, 22].forEach(function (dd) { ticks.push({ day: Date.UTC(c.getUTCFullYear(), c.getUTCMonth(), dd) / 86400000, major: false, label: String(dd) }); });
      }
      cursor = long ? Date.UTC(c.getUTCFullYear() + 1, 0, 1) : Date.UTC(c.getUTCFullYear(), c.getUTCMonth() + 1, 1);
    }
    return ticks.filter(function (t) { return t.day >= from && t.day <= to; });
  };

  var draw = function () {
    var from = whole.checked ? firstDay : windowStart;
    var shown = events.filter(function (e) {
      var has = function (list, iri) { return !iri || list.some(function (l) { return l.thing === iri; }); };
      return has(e.actors, actorSelect.value) && has(e.places, placeSelect.value) &&
             (!kindSelect.value || e.kind === kindSelect.value);
    });
    var drawn = shown.filter(function (e) { return e.end >= from; });
    var earlier = shown.length - drawn.length;
    var width = X.width(760);
    var ROW = 21, LANE = 16, LEFT = 8, RIGHT = 8;
    var bands = groups.filter(function (g) { return (g.end === null ? lastDay : g.end) >= from; });
    var TOP = 34 + bands.length * LANE;
    var height = TOP + Math.max(drawn.length, 1) * ROW + 12;
    var scale = (width - LEFT - RIGHT) / (lastDay - from);
    var xOf = function (day) { return LEFT + (day - from) * scale; };
    var svg = X.svg(width, height, "Timeline of " + drawn.length + " events");
    var axis = X.el("g", { "class": "axis" }, svg);
    drawn.forEach(function (e, i) {
      if (i % 2 === 0) { X.el("rect", { x: 0, y: TOP + i * ROW, width: width, height: ROW, "class": "row-band" }, axis); }
    });
    axisTicks(from, lastDay).forEach(function (t) {
      var x = xOf(t.day);
      X.el("line", { x1: x, x2: x, y1: t.major ? 4 : 20, y2: height, "class": t.major ? "major" : "" }, axis);
      X.text(axis, t.label, { x: x + 3, y: t.major ? 14 : 29, "font-weight": t.major ? 600 : 400 });
    });
    var behind = X.el("g", { "class": "bands" }, svg);
    bands.forEach(function (g, i) {
      var x1 = xOf(Math.max(g.start, from)), x2 = xOf((g.end === null ? lastDay : g.end + 1));
      var title = g.label + " (" + g.kind + "): " + X.readable(g.date) +
                  (g.end === null ? " – (no end given)" : " – " + X.readable(X.iso(g.end))) + "; not counted as an event";
      var a = X.link(behind, g.iri, title, { "class": "band" + (g.vague ? " open" : ""), "data-group": g.iri });
      X.el("rect", { x: x1, y: 34 + i * LANE, width: Math.max(x2 - x1, 3), height: height - 34 - i * LANE,
                     "class": "band-area" }, a);
      X.text(a, g.label, { x: x1 + 4, y: 34 + i * LANE + 12, "class": "band-label" });
    });
    var rows = X.el("g", { "class": "events" }, svg);
    drawn.forEach(function (e, i) {
      var y = TOP + i * ROW + ROW / 2;
      var colour = kindColour[e.kind];
      var title = X.readable(e.date) + (e.until ? " – " + X.readable(e.until) + (e.vague ? " (date vague)" : "") : "") +
                  ": " + e.label + " (" + e.kind + ")";
      var a = X.link(rows, e.iri, title, { "class": "event" + (e.iri === X.focus ? " focus" : ""),
                                            "data-event": e.iri, "data-date": e.date, "data-kind": e.kind });
      var x1 = xOf(e.start), x2 = xOf(e.end + 1);
      if (e.until) {
        X.el("rect", { x: x1, y: y - 5, width: Math.max(x2 - x1, 3), height: 10, rx: 3, fill: colour,
                       "class": "span" + (e.vague ? " vague" : "") }, a);
      }
      var casualties = e.killed || e.injured;
      var r = 4 + Math.min(Math.sqrt(+(e.killed || 0) + +(e.injured || 0)), 5);
      X.el("circle", { cx: x1 + (e.until ? 0 : scale / 2), cy: y, r: r, fill: colour, stroke: "#1b1b1b", "stroke-width": 0.8 }, a);
      var right = x1 < width * 0.62;
      var text = X.text(a, e.label, { x: right ? Math.max(x2, x1 + r) + 6 : x1 - r - 6, y: y + 4,
                                      "text-anchor": right ? "start" : "end" });
      if (casualties) {
        var extra = X.el("tspan", { "class": "casualties" }, text);
        extra.textContent = "  " + [e.killed ? e.killed + " killed" : "", e.injured ? e.injured + " injured" : ""]
          .filter(Boolean).join(", ");
      }
    });
    document.getElementById("count-note").textContent = drawn.length + " of " + events.length + " events" +
      (earlier ? "; " + earlier + " earlier, before " + X.readable(X.iso(from)) + " (tick “whole period”)" : "");
    X.legend(kinds.map(function (k) { return { colour: kindColour[k], label: k + " (" + kindCount[k] + ")" }; }));
    var focused = X.chart.querySelector(".event.focus");
    if (focused) { focused.scrollIntoView({ block: "center" }); }
  };
  [actorSelect, placeSelect, kindSelect, whole].forEach(function (control) { control.addEventListener("change", draw); });
  draw();
  X.drawn();
})();
