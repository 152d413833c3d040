/* The auditor's replay: draw the case's process version with bpmn-js (NavigatedViewer, global BpmnJS) and mark
   the elements completed so far (marker "vroeg-afgerond" plus an overlay "✓ n×") and the active ones (marker
   "vroeg-actief" plus an overlay "▶ actief"). The page embeds what to mark as JSON in #replay-gegevens; the lists
   below the diagram say the same in text, and the stepper works without this script.
   Keys: Alt+PageUp / Alt+PageDown go to the previous / next step (the links stay the primary way). */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("replay-gegevens").textContent);
  var container = document.getElementById("diagram");
  var status = document.getElementById("diagram-status");
  var READABLE = 0.8; // the scale at which names in the diagram can be read

  function badge(text, className) {
    var span = document.createElement("span");
    span.className = "vroeg-replay-badge " + className;
    span.textContent = text;
    return span;
  }

  function mark(viewer) {
    var canvas = viewer.get("canvas");
    var overlays = viewer.get("overlays");
    var registry = viewer.get("elementRegistry");
    Object.keys(config.completed).forEach(function (id) {
      if (!registry.get(id)) { return; }
      canvas.addMarker(id, "vroeg-afgerond");
      overlays.add(id, "vroeg-aantal", {
        position: { bottom: 4, right: 4 },
        html: badge("✓ " + config.completed[id] + "×", "vroeg-replay-badge--afgerond")
      });
    });
    config.active.forEach(function (id) {
      if (!registry.get(id)) { return; }
      canvas.addMarker(id, "vroeg-actief");
      overlays.add(id, "vroeg-actief", {
        position: { top: -12, left: -4 },
        html: badge("▶ actief", "vroeg-replay-badge--actief")
      });
    });
  }

  // Show the region around the given elements at a readable scale (the whole process is wide and small).
  function focus(viewer, ids) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var shapes = ids.map(function (id) { return registry.get(id); }).filter(function (s) { return s && s.width; });
    canvas.zoom("fit-viewport", "auto");
    if (!shapes.length || canvas.zoom() >= READABLE) { return; }
    var left = Math.min.apply(null, shapes.map(function (s) { return s.x; }));
    var top = Math.min.apply(null, shapes.map(function (s) { return s.y; }));
    var right = Math.max.apply(null, shapes.map(function (s) { return s.x + s.width; }));
    var bottom = Math.max.apply(null, shapes.map(function (s) { return s.y + s.height; }));
    var size = canvas.getSize();
    var width = size.width / READABLE;
    var height = size.height / READABLE;
    canvas.viewbox({ x: (left + right) / 2 - width / 2, y: (top + bottom) / 2 - height / 2, width: width, height: height });
  }

  function zoomButtons(viewer) {
    var bar = document.getElementById("diagram-zoom");
    if (!bar) { return; }
    var canvas = viewer.get("canvas");
    var actions = {
      "in": function () { canvas.zoom(canvas.zoom() * 1.25); },
      "uit": function () { canvas.zoom(canvas.zoom() / 1.25); },
      "passend": function () { canvas.zoom("fit-viewport", "auto"); },
      "actief": function () {
        focus(viewer, config.active.length ? config.active : (config.focus || []).length ? config.focus :
          Object.keys(config.completed));
      }
    };
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-zoom]");
      if (button) { actions[button.getAttribute("data-zoom")](); }
    });
    bar.hidden = false;
  }

  function show(text, state) {
    status.textContent = text;
    container.setAttribute("data-status", state);
  }

  function draw() {
    var viewer = new BpmnJS({ container: container });
    fetch(config.bpmnUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        mark(viewer);
        focus(viewer, config.focus && config.focus.length ? config.focus : config.active);
        zoomButtons(viewer);
        show("Diagram geladen: " + Object.keys(config.completed).length + " afgeronde en " + config.active.length +
             " actieve elementen gemarkeerd.", "klaar");
      })
      .catch(function () {
        show("Het diagram kon niet worden getoond. De lijsten hieronder noemen dezelfde elementen.", "fout");
      });
  }

  document.addEventListener("keydown", function (event) {
    if (!event.altKey || (event.key !== "PageUp" && event.key !== "PageDown")) { return; }
    var link = document.querySelector('.audit-stapper a[data-stap="' + (event.key === "PageUp" ? "prev" : "next") + '"]');
    if (link) {
      event.preventDefault();
      window.location.href = link.href;
    }
  });

  document.getElementById("sneltoetsen").hidden = false;

  if (typeof BpmnJS === "function") {
    draw();
  } else {
    show("Het diagram kon niet worden geladen. De lijsten hieronder noemen dezelfde elementen.", "fout");
  }
}());
