/* The Dutch properties panel of the BPMN modeler: name; form, role and assignee of a user task; a timer's kind
   and expression; a sequence flow's condition; a business rule task's DMN decision. Every change goes through
   bpmn-js `modeling`, so it can be undone and is written to the XML with the spiffworkflow extension elements. */
(function () {
  "use strict";
  var Vroeg = window.Vroeg = window.Vroeg || {};
  var TIMER_KINDS = ["timeDate", "timeDuration", "timeCycle"];
  // One vocabulary with the server's pages (webapp/element_words.py, webapp/auditor_bpmn.py).
  var TYPE_NAMES = {
    "bpmn:UserTask": "Gebruikerstaak", "bpmn:ScriptTask": "Scripttaak", "bpmn:BusinessRuleTask": "Beslistabel",
    "bpmn:ServiceTask": "Servicetaak", "bpmn:Task": "Taak", "bpmn:SequenceFlow": "Pijl (volgorde)",
    "bpmn:ExclusiveGateway": "Exclusieve splitsing", "bpmn:ParallelGateway": "Parallelle splitsing",
    "bpmn:InclusiveGateway": "Inclusieve splitsing", "bpmn:EventBasedGateway": "Splitsing op gebeurtenis",
    "bpmn:StartEvent": "Startgebeurtenis", "bpmn:EndEvent": "Eindgebeurtenis", "bpmn:BoundaryEvent": "Grensgebeurtenis",
    "bpmn:IntermediateCatchEvent": "Tussengebeurtenis (wacht)", "bpmn:IntermediateThrowEvent": "Tussengebeurtenis",
    "bpmn:SubProcess": "Subproces", "bpmn:CallActivity": "Aanroep", "bpmn:Lane": "Baan (rol)",
    "bpmn:Participant": "Deelnemer", "bpmn:Process": "Proces", "bpmn:DataInputAssociation": "Gegevens in",
    "bpmn:DataOutputAssociation": "Gegevens uit", "bpmn:DataObjectReference": "Gegevensobject",
    "bpmn:DataStoreReference": "Gegevensopslag", "bpmn:TextAnnotation": "Notitie", "bpmn:Association": "Verbinding",
    "bpmn:MessageFlow": "Berichtpijl", "bpmn:Group": "Groep", "bpmn:SendTask": "Verzendtaak",
    "bpmn:ReceiveTask": "Ontvangsttaak", "bpmn:ManualTask": "Handmatige taak"
  };
  function typeName(type) { return TYPE_NAMES[type] || String(type).replace(/^bpmn:/, ""); }

  function timerDefinition(bo) {
    return (bo.eventDefinitions || []).find(function (d) { return d.$type === "bpmn:TimerEventDefinition"; });
  }

  function extensionValues(bo, type) {
    var ext = bo.extensionElements;
    return ext ? (ext.get("values") || []).filter(function (v) { return v.$type === type; }) : [];
  }

  /** The value of spiffworkflow:property `name` on a business object, or "". */
  function spiffProperty(bo, name) {
    var found = "";
    extensionValues(bo, "spiffworkflow:Properties").forEach(function (props) {
      (props.get("properties") || []).forEach(function (p) { if (p.name === name) { found = p.value || ""; } });
    });
    return found;
  }

  /** The lane an element lies in: a lane lists its flow nodes (flowNodeRef); a node inside a sub-process
      lies in the lane of that sub-process. */
  function laneName(registry, element) {
    var lanes = registry.filter(function (el) { return el.type === "bpmn:Lane"; }).map(function (el) { return el.businessObject; });
    var node = element.businessObject;
    while (node) {
      var lane = lanes.find(function (l) { return (l.flowNodeRef || []).indexOf(node) !== -1; });
      if (lane) { return lane.name || lane.id; }
      node = node.$parent;
    }
    return "";
  }

  function Panel(root, modeler, options) {
    this.root = root;
    this.modeler = modeler;
    this.options = options;  // {forms: () => [name], decisions: () => [id], onChange: () => void}
    this.modeling = modeler.get("modeling");
    this.moddle = modeler.get("moddle");
    this.element = null;
    this.field = function (name) { return root.querySelector('[data-eig="' + name + '"]'); };
    this.bind();
  }

  Panel.prototype.bind = function () {
    var self = this;
    var eventBus = this.modeler.get("eventBus");
    eventBus.on("selection.changed", function (e) { self.show(e.newSelection.length === 1 ? e.newSelection[0] : null); });
    eventBus.on("elements.changed", function (e) {
      if (self.element && e.elements.indexOf(self.element) !== -1) { self.show(self.element); }
      self.fillChooser();
    });
    eventBus.on("import.done", function () { self.fillChooser(); });
    this.field("kies").addEventListener("change", function (e) { self.select(e.target.value); });
    this.onChange("naam", function (el, v) { self.modeling.updateProperties(el, { name: v || undefined }); });
    this.onChange("formulier", function (el, v) { self.setSpiffProperty(el, "formulier", v); });
    this.onChange("rol", function (el, v) { self.setSpiffProperty(el, "rol", v); });
    this.onChange("toegewezen", function (el, v) { self.setSpiffProperty(el, "toegewezen_aan", v.trim()); });
    this.onChange("timersoort", function (el) { self.setTimer(el); });
    this.onChange("timer-expressie", function (el) { self.setTimer(el); });
    this.onChange("voorwaarde", function (el, v) { self.setCondition(el, v.trim()); });
    this.onChange("beslissing", function (el, v) { self.setCalledDecision(el, v); });
  };

  Panel.prototype.onChange = function (name, apply) {
    var self = this;
    this.field(name).addEventListener("change", function (e) {
      if (!self.element) { return; }
      apply(self.element, e.target.value);
      self.options.onChange();
    });
  };

  /** Select an element by id (from the chooser or a problem in the list) and bring it into view. */
  Panel.prototype.select = function (id) {
    var element = this.modeler.get("elementRegistry").get(id);
    if (!element) { return false; }
    this.modeler.get("selection").select(element);
    if (element.waypoints || element.width) {
      var canvas = this.modeler.get("canvas");
      try {
        if (canvas.zoom() < 0.7) { canvas.zoom(0.9); }  // the whole process fits only at an unreadable size
        canvas.scrollToElement(element);  // switches plane for an element inside a collapsed sub-process
        centre(canvas, element);
      } catch (ignored) { /* an element on another plane (collapsed sub-process) */ }
    }
    return true;
  };

  function centre(canvas, element) {
    var points = element.waypoints || [{ x: element.x, y: element.y }, { x: element.x + element.width, y: element.y + element.height }];
    var xs = points.map(function (p) { return p.x; });
    var ys = points.map(function (p) { return p.y; });
    var box = canvas.viewbox();
    canvas.viewbox({
      x: (Math.min.apply(null, xs) + Math.max.apply(null, xs)) / 2 - box.width / 2,
      y: (Math.min.apply(null, ys) + Math.max.apply(null, ys)) / 2 - box.height / 2,
      width: box.width, height: box.height
    });
  }

  Panel.prototype.fillChooser = function () {
    var chooser = this.field("kies");
    var current = this.element ? this.element.id : "";
    var items = this.modeler.get("elementRegistry").filter(function (el) {
      return el.type !== "label" && el.businessObject && el.businessObject.$type !== "bpmn:Process" &&
        el.type !== "bpmn:Collaboration" && el.parent;
    }).map(function (el) {
      var bo = el.businessObject;
      return { id: el.id, text: (bo.name || "(zonder naam)") + " — " + typeName(bo.$type) + " " + el.id };
    }).sort(function (a, b) { return a.text.localeCompare(b.text, "nl"); });
    chooser.replaceChildren(new Option("— kies een element —", ""));
    items.forEach(function (item) { chooser.add(new Option(item.text, item.id, false, item.id === current)); });
  };

  Panel.prototype.show = function (element) {
    this.element = element && element.type !== "label" ? element : (element ? element.labelTarget : null);
    var el = this.element;
    this.field("leeg").hidden = !!el;
    this.field("velden").hidden = !el;
    ["taak", "timer", "flow", "regel"].forEach(function (g) { this.field(g).hidden = true; }, this);
    if (!el) { this.field("kies").value = ""; return; }
    var bo = el.businessObject;
    this.field("kies").value = el.id;
    this.field("soort").textContent = typeName(bo.$type) + " · id " + el.id;
    this.field("naam").value = bo.name || "";
    if (bo.$type === "bpmn:UserTask") { this.showTask(el, bo); }
    var timer = timerDefinition(bo);
    if (timer) { this.showTimer(timer); }
    if (bo.$type === "bpmn:SequenceFlow") {
      this.field("flow").hidden = false;
      this.field("voorwaarde").value = bo.conditionExpression ? (bo.conditionExpression.body || "") : "";
    }
    if (bo.$type === "bpmn:BusinessRuleTask") { this.showDecision(bo); }
  };

  Panel.prototype.showTask = function (el, bo) {
    this.field("taak").hidden = false;
    var form = spiffProperty(bo, "formulier");
    var names = this.options.forms();
    var select = this.field("formulier");
    select.replaceChildren(new Option("— geen formulier —", ""));
    names.forEach(function (n) { select.add(new Option(n, n)); });
    if (form && names.indexOf(form) === -1) { select.add(new Option(form + " (bestaat niet in dit concept)", form)); }
    select.value = form;
    this.field("rol").value = spiffProperty(bo, "rol");
    var lane = laneName(this.modeler.get("elementRegistry"), el);
    this.field("rol-uitleg").textContent = lane ? "Baan van deze taak: " + lane + "." : "Deze taak ligt niet in een baan.";
    this.field("toegewezen").value = spiffProperty(bo, "toegewezen_aan");
  };

  Panel.prototype.showTimer = function (timer) {
    this.field("timer").hidden = false;
    var kind = TIMER_KINDS.find(function (k) { return timer.get(k); }) || "timeDate";
    this.field("timersoort").value = kind;
    var expr = timer.get(kind);
    this.field("timer-expressie").value = expr ? (expr.body || "") : "";
  };

  Panel.prototype.showDecision = function (bo) {
    this.field("regel").hidden = false;
    var current = extensionValues(bo, "spiffworkflow:CalledDecisionId").map(function (d) { return d.value; })[0] || "";
    var select = this.field("beslissing");
    var ids = this.options.decisions();
    select.replaceChildren(new Option("— geen beslissing —", ""));
    ids.forEach(function (id) { select.add(new Option(id, id)); });
    if (current && ids.indexOf(current) === -1) { select.add(new Option(current + " (niet gevonden in de DMN-bestanden)", current)); }
    select.value = current;
  };

  /** The extensionElements of an element, created (through modeling) when missing. */
  Panel.prototype.extensionElements = function (element) {
    var bo = element.businessObject;
    if (!bo.extensionElements) {
      var ext = this.moddle.create("bpmn:ExtensionElements", { values: [] });
      ext.$parent = bo;
      this.modeling.updateProperties(element, { extensionElements: ext });
    }
    return bo.extensionElements;
  };

  Panel.prototype.setSpiffProperty = function (element, name, value) {
    var bo = element.businessObject;
    var props = extensionValues(bo, "spiffworkflow:Properties")[0];
    if (!props) {
      if (!value) { return; }
      var ext = this.extensionElements(element);
      props = this.moddle.create("spiffworkflow:Properties", { properties: [] });
      props.$parent = ext;
      this.modeling.updateModdleProperties(element, ext, { values: ext.get("values").concat([props]) });
    }
    var list = props.get("properties");
    var prop = list.find(function (p) { return p.name === name; });
    if (!value) {
      if (prop) { this.modeling.updateModdleProperties(element, props, { properties: list.filter(function (p) { return p !== prop; }) }); }
    } else if (prop) {
      this.modeling.updateModdleProperties(element, prop, { value: value });
    } else {
      prop = this.moddle.create("spiffworkflow:Property", { name: name, value: value });
      prop.$parent = props;
      this.modeling.updateModdleProperties(element, props, { properties: list.concat([prop]) });
    }
  };

  Panel.prototype.setTimer = function (element) {
    var timer = timerDefinition(element.businessObject);
    var kind = this.field("timersoort").value;
    var text = this.field("timer-expressie").value.trim();
    var update = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
    if (text) {
      var expr = this.moddle.create("bpmn:FormalExpression", { body: text });
      expr.$parent = timer;
      update[kind] = expr;
    }
    this.modeling.updateModdleProperties(element, timer, update);
  };

  Panel.prototype.setCondition = function (element, text) {
    var expr;
    if (text) {
      expr = this.moddle.create("bpmn:FormalExpression", { body: text });
      expr.$parent = element.businessObject;
    }
    this.modeling.updateProperties(element, { conditionExpression: expr });
  };

  Panel.prototype.setCalledDecision = function (element, id) {
    var bo = element.businessObject;
    var existing = extensionValues(bo, "spiffworkflow:CalledDecisionId")[0];
    if (existing && id) { this.modeling.updateModdleProperties(element, existing, { value: id }); return; }
    var ext = this.extensionElements(element);
    var values = ext.get("values").filter(function (v) { return v !== existing; });
    if (id) {
      var called = this.moddle.create("spiffworkflow:CalledDecisionId", { value: id });
      called.$parent = ext;
      values.push(called);
    }
    this.modeling.updateModdleProperties(element, ext, { values: values });
  };

  Vroeg.PropertiesPanel = Panel;
})();
