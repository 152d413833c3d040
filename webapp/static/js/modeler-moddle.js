/* The moddle extension for the spiffworkflow namespace: the extension elements Vroeg's diagrams use, so bpmn-js
   reads, edits and writes them back (spiffworkflow:properties/property, calledDecisionId, messagePayload,
   messageVariable). Passed to BpmnJS as moddleExtensions.spiffworkflow. */
(function () {
  "use strict";
  var body = function (name) {
    return { name: name, superClass: ["Element"], properties: [{ name: "value", type: "String", isBody: true }] };
  };
  window.Vroeg = window.Vroeg || {};
  window.Vroeg.spiffModdle = {
    name: "SpiffWorkflow",
    uri: "http://spiffworkflow.org/bpmn/schema/1.0/core",
    prefix: "spiffworkflow",
    xml: { tagAlias: "lowerCase" },
    associations: [],
    types: [
      { name: "Properties", superClass: ["Element"],
        properties: [{ name: "properties", type: "Property", isMany: true }] },
      { name: "Property", superClass: ["Element"],
        properties: [{ name: "name", type: "String", isAttr: true }, { name: "value", type: "String", isAttr: true }] },
      body("CalledDecisionId"),
      body("MessagePayload"),
      body("MessageVariable")
    ]
  };
})();
