/* Read-only diagrams: a deployed version, an imported file, and the heat map (per element the number of cases
   that passed it and that wait there now, as numbers beside the element and as a darker shade: never colour alone). */
(function () {
  "use strict";
  var container = document.getElementById("diagram");
  if (!container || !window.BpmnJS) { return; }
  var status = document.getElementById("diagram-status");
  var viewer = new window.BpmnJS({ container: container });

  function source() {
    if (container.dataset.bpmnBron) {
      return Promise.resolve(document.getElementById(container.dataset.bpmnBron).value);
    }
    return fetch(container.dataset.bpmnUrl, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.text();
    });
  }

  function heatMap(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        var counts = body.counts || {};
        var registry = viewer.get("elementRegistry");
        var canvas = viewer.get("canvas");
        var overlays = viewer.get("overlays");
        var max = 1;
        Object.keys(counts).forEach(function (id) { max = Math.max(max, counts[id].passed || 0, counts[id].waiting || 0); });
        var shown = 0;
        var first = null;
        Object.keys(counts).forEach(function (id) {
          var element = registry.get(id);
          var c = counts[id];
          if (!element || (!c.passed && !c.waiting)) { return; }
          var level = Math.min(4, Math.ceil(4 * Math.max(c.passed || 0, c.waiting || 0) / max));
          canvas.addMarker(element, "hitte-" + level);
          var badge = document.createElement("span");
          badge.className = "hitte-teller" + (c.waiting ? " hitte-teller--wachtend" : "");
          badge.textContent = "✓ " + (c.passed || 0) + (c.waiting ? " · wacht " + c.waiting : "");
          badge.title = (c.passed || 0) + " gepasseerd, " + (c.waiting || 0) + " wachtend";
          overlays.add(element, "hittekaart", { position: { bottom: 0, left: 0 }, html: badge });
          shown += 1;
          first = first || element;
        });
        status.textContent = shown ? "Aantallen getoond bij " + shown + " elementen." : "Nog geen zaken langs dit diagram.";
        if (first && canvas.zoom() < 0.6) {  // a wide process fits only at a size where the numbers are unreadable
          canvas.zoom(0.8);
          canvas.scrollToElement(first, { top: 150, bottom: 150, left: 300, right: 300 });
        }
      });
  }

  source().then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      viewer.get("canvas").zoom("fit-viewport");
      status.textContent = "Diagram geladen.";
      if (container.dataset.hittekaartUrl) { return heatMap(container.dataset.hittekaartUrl); }
    })
    .then(function () { container.dataset.klaar = "ja"; })
    .catch(function (err) {
      status.textContent = "Het diagram kon niet worden getoond: " + (err && err.message ? err.message : err);
      container.dataset.klaar = "fout";
    });
})();
