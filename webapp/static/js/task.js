// Task forms, progressive enhancement only: a field that is required only for a certain answer
// ("required_when") is folded away while that answer is not chosen. Without JavaScript every field shows,
// with its "Verplicht als ..." hint, and the server decides. A field holding a value or an error never hides.
(function () {
  "use strict";

  function chosen(form, name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    if (checked) { return checked.value; }
    var other = form.querySelector('[name="' + name + '"]');
    return other && other.type !== "radio" && other.type !== "checkbox" ? other.value : "";
  }

  function hasInput(field) {
    var inputs = field.querySelectorAll("input, textarea, select");
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if ((el.type === "radio" || el.type === "checkbox") ? el.checked : el.value.trim() !== "") { return true; }
    }
    return false;
  }

  function update(form) {
    var fields = form.querySelectorAll("[data-verplicht-als-veld]");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      var values = field.getAttribute("data-verplicht-als-waarde").split("|");
      var show = values.indexOf(chosen(form, field.getAttribute("data-verplicht-als-veld"))) >= 0;
      field.hidden = !(show || hasInput(field) || field.classList.contains("taakveld--fout"));
      // A field kept in view by its value or error no longer says "Verplicht als ..." once that answer is gone.
      var hint = field.querySelector(".verplicht-als");
      if (hint) { hint.hidden = !show; }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".taakformulier");
    if (!form) { return; }
    form.addEventListener("change", function () { update(form); });
    update(form);
    var summary = document.getElementById("foutsamenvatting");
    if (summary) { summary.focus(); }
  });
})();
