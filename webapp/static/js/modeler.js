/* The draft editor: a bpmn-js modeler per BPMN file, a dmn-js editor per DMN file, the forms tab; saving (with
   the draft's row_version), validating (problems listed and marked on the diagram) and deploying. */
(function () {
  "use strict";
  var Vroeg = window.Vroeg = window.Vroeg || {};
  var root = document.getElementById("editor");
  if (!root) { return; }

  var state = { files: {}, rowVersion: null, dirty: false, editors: {}, panels: {}, forms: null, busy: false };
  var statusLine = document.getElementById("status");
  var notice = document.getElementById("melding");

  function say(text) { statusLine.textContent = text; }

  function alertBox(kind, text, links) {
    notice.hidden = !text;
    notice.className = "utrecht-alert utrecht-alert--" + kind;
    notice.replaceChildren();
    if (!text) { return; }
    var content = document.createElement("div");
    content.className = "utrecht-alert__content";
    var message = document.createElement("div");
    message.className = "utrecht-alert__message";
    var p = document.createElement("p");
    p.className = "utrecht-paragraph";
    p.textContent = text;
    message.appendChild(p);
    (links || []).forEach(function (link) {
      var a = document.createElement("a");
      a.className = "utrecht-link";
      a.href = link.url;
      a.textContent = link.text;
      message.appendChild(a);
    });
    content.appendChild(message);
    notice.appendChild(content);
  }

  function request(method, url, body) {
    return fetch(url, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": root.dataset.csrf, "Accept": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body)
    });
  }

  function answer(response) {
    return response.json().catch(function () { return {}; }).then(function (body) {
      return { ok: response.ok, status: response.status, body: body };
    });
  }

  function changed() {
    state.dirty = true;
    say("Niet opgeslagen wijzigingen.");
  }

  // --- the decisions in the draft's DMN files, for the business rule task's select ---
  function decisionIds() {
    var ids = [];
    Object.keys(state.files).filter(function (p) { return /\.dmn$/.test(p); }).forEach(function (path) {
      var doc = new DOMParser().parseFromString(state.files[path], "application/xml");
      Array.from(doc.getElementsByTagNameNS("*", "decision")).forEach(function (d) { ids.push(d.getAttribute("id")); });
    });
    return ids.sort();
  }

  // --- editors, created when their tab is first shown (a hidden container has no size to draw in) ---
  function openEditor(panel) {
    var path = panel.dataset.bestand;
    if (state.editors[path]) { return state.editors[path].ready; }
    var container = panel.querySelector("[data-canvas]");
    var editor = panel.dataset.soort === "bpmn"
      ? new window.BpmnJS({ container: container, moddleExtensions: { spiffworkflow: Vroeg.spiffModdle } })
      : new window.DmnJS({ container: container });
    var entry = { editor: editor, kind: panel.dataset.soort, panel: panel };
    state.editors[path] = entry;
    if (entry.kind === "bpmn") {
      state.panels[path] = new Vroeg.PropertiesPanel(panel.querySelector("[data-eigenschappen]"), editor, {
        forms: function () { return state.forms ? state.forms.names() : []; },
        decisions: decisionIds,
        onChange: changed
      });
    } else {
      editor.on("views.changed", function () { bindDmnChanges(entry); });
    }
    entry.ready = editor.importXML(state.files[path]).then(function () {
      entry.imported = true;
      if (entry.kind === "bpmn") {
        openView(editor, path);
        editor.get("eventBus").on("commandStack.changed", changed);  // after the import, which clears the stack
        bindPanelToggle(panel, editor);
      }
    }).catch(function (err) {
      alertBox("error", path + " kon niet worden geopend: " + (err && err.message ? err.message : err));
    });
    return entry.ready;
  }

  // --- the view: the zoom and position remembered per draft and file; else the whole diagram, right of the palette ---
  var PALETTE = 130;  // px the palette covers at the left of the canvas, and a little air
  function viewKey(path) { return "vroeg-zicht-" + root.dataset.concept + "-" + path; }

  function openView(editor, path) {
    var canvas = editor.get("canvas");
    var saved = null;
    try { saved = JSON.parse(window.localStorage.getItem(viewKey(path)) || "null"); } catch (ignored) { saved = null; }
    if (saved && saved.scale > 0) {  // the scale and the top-left corner, whatever the canvas's width now
      var outer = canvas.viewbox().outer;
      canvas.viewbox({ x: saved.x, y: saved.y, width: outer.width / saved.scale, height: outer.height / saved.scale });
    } else {
      fitRightOfPalette(canvas);
    }
    editor.get("eventBus").on("canvas.viewbox.changed", function (event) {
      var box = event.viewbox;
      try {
        window.localStorage.setItem(viewKey(path), JSON.stringify({ x: box.x, y: box.y, scale: box.scale }));
      } catch (ignored) { /* private mode: the view is not remembered */ }
    });
  }

  function fitRightOfPalette(canvas) {
    var box = canvas.viewbox();
    var inner = box.inner, outer = box.outer;
    if (!inner.width || !outer.width) { canvas.zoom("fit-viewport", "auto"); return; }
    var margin = 20;
    var scale = Math.min((outer.width - PALETTE - margin) / inner.width, (outer.height - 2 * margin) / inner.height, 1);
    canvas.viewbox({ x: inner.x - PALETTE / scale, y: inner.y - margin / scale,
                     width: outer.width / scale, height: outer.height / scale });
  }

  function bindPanelToggle(panel, editor) {
    var button = panel.querySelector("[data-eigenschappen-knop]");
    var grid = panel.querySelector(".modeler");
    if (!button || !grid) { return; }
    button.addEventListener("click", function () {
      var hide = !grid.classList.contains("modeler--zonder-eigenschappen");
      grid.classList.toggle("modeler--zonder-eigenschappen", hide);
      button.setAttribute("aria-expanded", hide ? "false" : "true");
      button.textContent = hide ? "Eigenschappen tonen" : "Eigenschappen verbergen";
      editor.get("canvas").resized();
    });
  }

  function bindDmnChanges(entry) {
    var viewer = entry.editor.getActiveViewer();
    if (viewer && !viewer.__vroegBound) {
      viewer.__vroegBound = true;
      viewer.get("eventBus").on("commandStack.changed", function () { if (entry.imported) { changed(); } });
    }
  }

  // --- tabs (arrow keys move between them, as the ARIA tabs pattern asks) ---
  var tabs = Array.from(root.querySelectorAll('[role="tab"]'));
  function showTab(tab) {
    tabs.forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    });
    var panel = document.getElementById(tab.getAttribute("aria-controls"));
    if (panel.dataset.soort) {
      return openEditor(panel).then(function () {
        var entry = state.editors[panel.dataset.bestand];
        if (entry.kind === "bpmn") { entry.editor.get("canvas").resized(); }
      });
    }
    return Promise.resolve();
  }
  tabs.forEach(function (tab, i) {
    tab.tabIndex = tab.getAttribute("aria-selected") === "true" ? 0 : -1;
    tab.addEventListener("click", function () { showTab(tab); });
    tab.addEventListener("keydown", function (e) {
      var next = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : null;
      if (next === null) { return; }
      var target = tabs[(next + tabs.length) % tabs.length];
      target.focus();
      showTab(target);
    });
  });
  function tabFor(path) {
    return tabs.find(function (t) { return t.dataset.bestand === path; }) ||
      (path && path.indexOf("forms/") === 0 ? document.getElementById("tab-formulieren") : null);
  }

  // --- save, validate, take into use ---
  function collect() {
    var jobs = Object.keys(state.editors).map(function (path) {
      var entry = state.editors[path];
      return entry.ready.then(function () { return entry.editor.saveXML({ format: true }); })
        .then(function (result) { state.files[path] = result.xml; });
    });
    return Promise.all(jobs).then(function () { return state.files; });
  }

  function save() {
    say("Bezig met opslaan…");
    return collect().then(function (files) {
      return request("PUT", root.dataset.opslaanUrl, { files: files, row_version: state.rowVersion });
    }).then(answer).then(function (a) {
      if (!a.ok) {
        say("Niet opgeslagen.");
        alertBox("error", a.body.detail || "Opslaan is mislukt.");
        throw new Error("save refused");
      }
      state.rowVersion = a.body.row_version;
      state.dirty = false;
      say("Opgeslagen.");
      return a;
    });
  }

  function clearProblems() {
    Object.keys(state.editors).forEach(function (path) {
      var entry = state.editors[path];
      if (entry.kind !== "bpmn") { return; }
      entry.editor.get("overlays").remove({ type: "vroeg-probleem" });
      var canvas = entry.editor.get("canvas");
      entry.editor.get("elementRegistry").forEach(function (el) { canvas.removeMarker(el, "vroeg-probleem"); });
    });
    document.getElementById("problemen").hidden = true;
    document.getElementById("probleemlijst").replaceChildren();
  }

  function markProblem(problem) {
    var entry = state.editors[problem.file];
    if (!entry || entry.kind !== "bpmn" || !problem.element_id) { return false; }
    var element = entry.editor.get("elementRegistry").get(problem.element_id);
    if (!element) { return false; }
    entry.editor.get("canvas").addMarker(element, "vroeg-probleem");
    var sign = document.createElement("span");
    sign.className = "vroeg-probleem-teken";
    sign.textContent = "!";
    sign.title = problem.reason;
    try {
      entry.editor.get("overlays").add(element, "vroeg-probleem", { position: { top: -12, right: 12 }, html: sign });
    } catch (ignored) { /* an element without a shape on this plane */ }
    return true;
  }

  function showProblems(problems) {
    clearProblems();
    var list = document.getElementById("probleemlijst");
    var openAll = Object.keys(state.files).filter(function (p) { return /\.bpmn$/.test(p); }).map(function (p) {
      var tab = tabFor(p);
      return tab ? openEditor(document.getElementById(tab.getAttribute("aria-controls"))) : Promise.resolve();
    });
    return Promise.all(openAll).then(function () {
      problems.forEach(function (problem) {
        var marked = markProblem(problem);
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "probleem-knop";
        var where = problem.file === "-" ? "Concept" : problem.file;
        if (problem.element_id) { where += ", element " + problem.element_id; }
        button.textContent = where + ": " + problem.reason + (marked ? " (gemarkeerd in het diagram)" : "");
        button.addEventListener("click", function () { goTo(problem); });
        item.appendChild(button);
        list.appendChild(item);
      });
      var section = document.getElementById("problemen");
      section.hidden = problems.length === 0;
    });
  }

  function goTo(problem) {
    var tab = tabFor(problem.file);
    if (!tab) { return; }
    showTab(tab).then(function () {
      var panel = state.panels[problem.file];
      if (panel && problem.element_id && panel.select(problem.element_id)) {
        document.getElementById(tab.getAttribute("aria-controls")).querySelector('[data-eig="kies"]').focus();
      } else {
        tab.focus();
      }
    });
  }

  function guarded(action) {
    return function () {
      if (state.busy) { return; }
      state.busy = true;
      alertBox("info", "");
      action().catch(function () { /* reported where it happened */ }).then(function () { state.busy = false; });
    };
  }

  function validate() {
    return save().then(function () {
      say("Bezig met valideren…");
      return request("POST", root.dataset.validerenUrl, {}).then(answer);
    }).then(function (a) {
      if (!a.ok) { alertBox("error", a.body.detail || "Valideren is mislukt."); return; }
      return showProblems(a.body.problems).then(function () {
        var n = a.body.problems.length;
        say(n ? n + (n === 1 ? " probleem gevonden." : " problemen gevonden.") : "Geen problemen: dit concept kan in gebruik worden genomen.");
        alertBox(n ? "warning" : "ok", n ? "Het concept heeft " + n + (n === 1 ? " probleem" : " problemen") + "; zie de lijst hieronder." : "Geen problemen gevonden.");
      });
    });
  }

  // --- taking the draft into use: a summary to confirm first (webapp/deploy_summary.py) ---
  function summaryItem(list, text, code) {
    var li = document.createElement("li");
    li.textContent = text;
    if (code) {
      var id = document.createElement("code");
      id.className = "element-id";
      id.textContent = code;
      li.appendChild(document.createTextNode(" "));
      li.appendChild(id);
    }
    list.appendChild(li);
  }

  function confirmInUse(summary) {
    var dialog = document.getElementById("bevestig-in-gebruik");
    var processes = document.getElementById("bevestig-processen");
    var changes = document.getElementById("bevestig-wijzigingen");
    document.getElementById("bevestig-voor").textContent = deployTargetText();
    processes.replaceChildren();
    changes.replaceChildren();
    summary.processes.forEach(function (p) {
      summaryItem(processes, p.version === null ? p.name + ": een nieuw proces." :
        p.name + ": nu versie " + p.version + " in gebruik. " + (p.running === 0 ? "Er lopen geen zaken." :
        (p.running === 1 ? "1 lopende zaak blijft op de versie waarop ze is gestart" :
        p.running + " lopende zaken blijven op de versie waarop ze zijn gestart") + ", tot u ze verplaatst."));
    });
    summary.changes.forEach(function (c) {
      summaryItem(changes, c.soort + " ‘" + c.name + "’ " + c.wat + (c.details.length ? ": " + c.details.join("; ") : "") + ".",
        c.name !== c.id ? c.id : "");
    });
    if (!summary.changes.length) { summaryItem(changes, "Geen verschillen met de versie die in gebruik is."); }
    if (summary.more) { summaryItem(changes, "En nog " + summary.more + " wijzigingen."); }
    return new Promise(function (resolve) {
      dialog.addEventListener("close", function onClose() {
        dialog.removeEventListener("close", onClose);
        resolve(dialog.returnValue === "ja");
      });
      dialog.showModal();
    });
  }

  // For whom the draft is taken into use: "" shared, else a municipality's CBS code (its own variant).
  function deployTarget() {
    var choice = document.getElementById("deploy-gemeente");
    return { gemeente: choice ? choice.value : "" };
  }

  function deployTargetText() {
    var choice = document.getElementById("deploy-gemeente");
    if (!choice || !choice.value) { return "Nieuwe zaken van alle gemeenten zonder eigen variant starten dan op de nieuwe versie."; }
    return "Alleen nieuwe zaken van " + choice.options[choice.selectedIndex].text.replace(/ \(\d{4}\): eigen variant$/, "") +
      " starten dan op deze eigen variant; de andere gemeenten houden hun versie.";
  }

  function deploy() {
    return save().then(function () {
      say("De samenvatting wordt gemaakt…");
      return request("POST", root.dataset.samenvattingUrl, deployTarget()).then(answer);
    }).then(function (s) {
      if (!s.ok) { say(""); alertBox("error", s.body.detail || "De samenvatting kon niet worden gemaakt."); return; }
      if (s.body.problems) { return takeIntoUse(); }  // refused with its problems listed and marked
      say("");
      return confirmInUse(s.body).then(function (yes) {
        if (!yes) { say("Niet in gebruik genomen: u heeft geannuleerd."); return; }
        return takeIntoUse();
      });
    });
  }

  function takeIntoUse() {
    say("Bezig met in gebruik nemen…");
    return request("POST", root.dataset.deployenUrl, deployTarget()).then(answer).then(function (a) {
      if (a.status === 422 && a.body.problems) {
        return showProblems(a.body.problems).then(function () {
          say("Niet in gebruik genomen.");
          alertBox("error", a.body.detail + " (" + a.body.problems.length + ")");
        });
      }
      if (!a.ok) { say("Niet in gebruik genomen."); alertBox("error", a.body.detail || "In gebruik nemen is mislukt."); return; }
      clearProblems();
      say("");  // the message once, in the alert below the toolbar
      alertBox("ok", a.body.message, (a.body.versions || []).map(function (v) {
        return { url: v.url, text: "Bekijk " + v.name + " versie " + v.version };
      }));
    });
  }

  document.getElementById("knop-opslaan").addEventListener("click", guarded(save));
  document.getElementById("knop-valideren").addEventListener("click", guarded(validate));
  document.getElementById("knop-deployen").addEventListener("click", guarded(deploy));
  window.addEventListener("beforeunload", function (e) { if (state.dirty) { e.preventDefault(); e.returnValue = ""; } });

  // --- start: load the draft's files, open the first tab ---
  fetch(root.dataset.bestandenUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(answer).then(function (a) {
      if (!a.ok) { alertBox("error", a.body.detail || "Het concept kon niet worden geladen."); return; }
      state.files = a.body.files;
      state.rowVersion = a.body.row_version;
      state.forms = new Vroeg.Forms(state.files, {
        previewUrl: root.dataset.voorbeeldUrl,
        post: function (url, body) { return request("POST", url, body); },
        onChange: changed
      });
      return showTab(tabs.find(function (t) { return t.getAttribute("aria-selected") === "true"; }) || tabs[0])
        .then(function () { state.dirty = false; say("Geladen. Wijzigingen worden pas bewaard als u op Opslaan drukt."); root.dataset.klaar = "ja"; });
    });
  Vroeg.editorState = state;  // for the browser tests and the console
})();
