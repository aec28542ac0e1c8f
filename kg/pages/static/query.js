// The query page: YASGUI when it was installed (npm ci --prefix web), a plain form otherwise.
// Nothing here calls outside services: autocompletion uses only the built-in prefix list.
(function () {
  "use strict";
  var endpoint = new URL("/sparql", window.location.href).href;
  var prefill = JSON.parse(document.getElementById("prefill").textContent || '""');
  var textarea = document.getElementById("query-text");
  var setQuery = function (text) { textarea.value = text; };

  if (window.Yasgui) {
    var yasgui = new window.Yasgui(document.getElementById("yasgui"), {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: false,
      persistenceId: null,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      yasqe: { autocompleters: ["variables", "prefixes"], value: prefill || textarea.value }
    });
    setQuery = function (text) { yasgui.getTab().getYasqe().setValue(text); };
  } else {
    var results = document.getElementById("plain-results");
    var form = document.getElementById("plain-query");
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
  document.querySelectorAll("button.load-query").forEach(function (button) {
    button.addEventListener("click", function () { setQuery(button.dataset.query); });
  });
}());
