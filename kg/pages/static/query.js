// The query page: YASGUI when it was installed (npm ci --prefix web), a plain form otherwise.
// Nothing here calls outside services: autocompletion uses only the built-in prefix list.
(function () {
  "use strict";
  var endpoint = new URL("/sparql", window.location.href).href;
  var prefill = JSON.parse(document.getElementById("prefill").textContent || '""');
  var textarea = document.getElementById("query-text");
  var form = document.getElementById("plain-query");
  var yasgui = null;
  var setQuery = function (text) { textarea.value = text; };

  if (window.Yasgui) {
    yasgui = new window.Yasgui(document.getElementById("yasgui"), {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: false,
      persistenceId: null,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      yasqe: { autocompleters: ["variables", "prefixes"], value: prefill || textarea.value }
    });
    setQuery = function (text) { yasgui.getTab().getYasqe().setValue(text); };
  } else {
    var results = document.getElementById("plain-results");
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      results.textContent = "Running…";
      fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/sparql-query",
                   "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
        body: textarea.value
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        return response.text().then(function (body) { show(response.status, type, body); });
      }).catch(function (error) { results.textContent = String(error); });
    });
    var show = function (status, type, body) {
      results.textContent = "";
      if (status !== 200 || type.indexOf("json") < 0) {
        var pre = document.createElement("pre");
        pre.textContent = status === 200 ? body : status + ": " + body;
        results.appendChild(pre);
        return;
      }
      var data = JSON.parse(body);
      if (typeof data.boolean === "boolean") { results.textContent = String(data.boolean); return; }
      var table = document.createElement("table");
      var head = table.insertRow();
      data.head.vars.forEach(function (name) {
        var th = document.createElement("th"); th.textContent = name; head.appendChild(th);
      });
      data.results.bindings.forEach(function (row) {
        var tr = table.insertRow();
        data.head.vars.forEach(function (name) {
          var cell = tr.insertCell();
          var term = row[name];
          if (!term) { return; }
          if (term.type === "uri") {
            var link = document.createElement("a");
            var base = "https://w3id.org/deir-ez-zor-2024/";
            link.href = term.value.indexOf(base) === 0 ? "/" + term.value.slice(base.length) : term.value;
            link.textContent = term.value;
            cell.appendChild(link);
          } else {
            cell.textContent = term.value;
          }
        });
      });
      results.appendChild(table);
    };
  }
  // Before a query runs, what would make it answer nothing without an error (a date compared
  // with a plain string...), said above the editor; the query runs all the same.
  var warningsList = document.getElementById("query-warnings");
  var warn = function (text) {
    fetch(new URL("/query/warnings", window.location.href).href + "?query=" + encodeURIComponent(text))
      .then(function (response) { return response.ok ? response.json() : { warnings: [] }; })
      .then(function (data) {
        warningsList.textContent = "";
        data.warnings.forEach(function (said) {
          var item = document.createElement("li"); item.textContent = said; warningsList.appendChild(item);
        });
        warningsList.hidden = data.warnings.length === 0;
      }).catch(function () { warningsList.hidden = true; });
  };
  if (yasgui) {
    yasgui.on("query", function (instance, tab) { warn(tab.getQuery()); });
  } else {
    form.addEventListener("submit", function () { warn(textarea.value); });
  }
  var run = function () {
    if (yasgui) { yasgui.getTab().getYasqe().query(); } else { form.requestSubmit(); }
  };
  // A question of the gallery: its text with the parameters filled in (bound by the server, as
  // for every other client), into the editor, and run.
  document.querySelectorAll("form.named-query").forEach(function (question) {
    var error = question.querySelector(".query-error");
    question.addEventListener("submit", function (event) {
      event.preventDefault();
      error.hidden = true;
      var params = new URLSearchParams();
      new FormData(question).forEach(function (value, name) { if (value.trim()) { params.append(name, value.trim()); } });
      var url = question.action + (params.toString() ? "?" + params.toString() : "");
      fetch(url, { headers: { "Accept": "application/sparql-query" } }).then(function (response) {
        return response.text().then(function (body) {
          if (!response.ok) { error.textContent = body; error.hidden = false; return; }
          setQuery(body);
          run();
        });
      }).catch(function (failure) { error.textContent = String(failure); error.hidden = false; });
    });
  });
}());
