// Casualties per party and month: for the chosen measure (killed, injured, arrested), one bar per
// month for each party with a figure in the incidents, longest totals first. Zero is drawn as a
// zero (the article said none), a missing figure not at all. Claimed or alleged figures carry an
// asterisk. Below them, apart, the totals the article reports for a whole period: they already
// include incident figures, so they are drawn as outlined bars of their own and never added.
(function () {
  "use strict";
  var X = window.Explorer;
  var records = X.rows("casualties");
  var reported = X.rows("reported-totals");
  if (X.nothing(records.length + reported.length, "No casualty figures to draw in these dates.")) { return; }
  var months = [];
  records.forEach(function (r) { var m = r.date.slice(0, 7); if (months.indexOf(m) < 0) { months.push(m); } });
  months.sort();
  var monthColour = {};
  months.forEach(function (m, i) { monthColour[m] = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00"][i] || X.colour(i); });

  var draw = function (measure) {
    var parties = {};
    records.forEach(function (r) {
      if (r[measure] === undefined) { return; }
      var p = parties[r.party] = parties[r.party] || { iri: r.party, label: r.partyLabel, total: 0, cells: {} };
      var m = r.date.slice(0, 7);
      var cell = p.cells[m] = p.cells[m] || { value: 0, soft: false, events: 0 };
      cell.value += +r[measure];
      cell.events += 1;
      cell.soft = cell.soft || /claimed|alleged/.test(r.qualifier || "");
      p.total += +r[measure];
    });
    var list = Object.keys(parties).map(function (k) { return parties[k]; })
      .sort(function (a, b) { return b.total - a.total || a.label.localeCompare(b.label); });
    var most = Math.max.apply(null, [1].concat(list.map(function (p) {
      return Math.max.apply(null, Object.keys(p.cells).map(function (m) { return p.cells[m].value; }));
    })));
    // A total's figure: the best one, else the low estimate its words allow ("at least").
    var totals = reported.map(function (r) {
      var best = r[measure], low = r[measure + "Low"];
      return { row: r, value: best !== undefined ? +best : (low !== undefined ? +low : undefined), atLeast: best === undefined };
    }).filter(function (t) { return t.value !== undefined; });
    most = Math.max.apply(null, [most].concat(totals.map(function (t) { return t.value; })));
    var width = X.width(700), LABEL = 290, BAR = 16, GAP = 14, TOP = 10, HEAD = 34;
    var rowHeight = function (p) { return Object.keys(p.cells).length * (BAR + 2) + GAP; };
    var height = TOP + list.reduce(function (s, p) { return s + rowHeight(p); }, 0) + 10 +
                 (totals.length ? HEAD + totals.length * (BAR + 6) : 0);
    var scale = (width - LABEL - 60) / most;
    var svg = X.svg(width, Math.max(height, 40), measure + " per party and month");
    var y = TOP;
    list.forEach(function (p) {
      var a = X.link(svg, p.iri, p.label + ": " + p.total + " " + measure, {
        "class": "party" + (p.iri === X.focus ? " focus" : ""), "data-party": p.iri });
      X.text(a, p.label, { x: LABEL - 10, y: y + BAR - 3, "text-anchor": "end", "class": "bar-label" });
      months.filter(function (m) { return p.cells[m]; }).forEach(function (m) {
        var cell = p.cells[m];
        var bar = X.el("g", { "class": "bar", "data-month": m, "data-value": cell.value }, svg);
        X.el("title", {}, bar).textContent = p.label + ", " + X.monthName(m) + ": " + cell.value + " " + measure +
          " (" + cell.events + " record" + (cell.events > 1 ? "s" : "") + (cell.soft ? ", some claimed or alleged" : "") + ")";
        X.el("rect", { x: LABEL, y: y, width: Math.max(cell.value * scale, 1.5), height: BAR, fill: monthColour[m], rx: 2 }, bar);
        X.text(bar, cell.value + (cell.soft ? "*" : ""), { x: LABEL + Math.max(cell.value * scale, 1.5) + 5, y: y + BAR - 3, "class": "bar-value" });
        y += BAR + 2;
      });
      y += GAP;
    });
    if (totals.length) {
      y += 8;
      X.text(svg, "Reported totals over a period (they include the incidents above; not added to them)",
             { x: 10, y: y + 14, "class": "totals-heading" });
      y += HEAD;
      totals.forEach(function (t) {
        var r = t.row;
        var period = X.readable(r.start) + " – " + X.readable(r.end);
        var shown = (t.atLeast ? "at least " : "") + t.value + (r.words ? " (‘" + r.words + "’)" : "") +
                    (/claimed|alleged/.test(r.qualifier || "") ? "*" : "");
        var a = X.link(svg, r.party, r.partyLabel + ": " + shown + " " + measure + ", reported for " + r.forLabel +
                       " (" + period + ")", { "class": "party total" + (r.party === X.focus ? " focus" : ""),
                                              "data-party": r.party, "data-value": t.value, "data-total": r.total });
        X.text(a, r.partyLabel + ", " + period, { x: LABEL - 10, y: y + BAR - 3, "text-anchor": "end", "class": "bar-label" });
        X.el("rect", { x: LABEL, y: y, width: Math.max(t.value * scale, 1.5), height: BAR, rx: 2, "class": "total-bar" }, a);
        X.text(a, shown, { x: LABEL + Math.max(t.value * scale, 1.5) + 5, y: y + BAR - 3, "class": "bar-value" });
        y += BAR + 6;
      });
    }
    if (!list.length && !totals.length) { X.text(svg, "No figures for " + measure + ".", { x: 10, y: 25 }); }
  };
  var radios = Array.prototype.slice.call(document.querySelectorAll('input[name="measure"]'));
  radios.forEach(function (r) { r.addEventListener("change", function () { draw(r.value); }); });
  draw((radios.filter(function (r) { return r.checked; })[0] || { value: "killed" }).value);
  X.legend(months.map(function (m) { return { colour: monthColour[m], label: X.monthName(m) }; }));
  X.drawn();
})();
