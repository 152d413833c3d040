/* The forms tab of the draft editor: edit a form definition (JSON) beside a live preview rendered by the server
   with the same code that renders the counsellor's form; a JSON or definition error is shown in Dutch. */
(function () {
  "use strict";
  var Vroeg = window.Vroeg = window.Vroeg || {};
  var NAME = /^[a-z][a-zA-Z0-9_]{0,62}$/;

  function Forms(files, options) {
    this.files = files;          // the draft's {path: text}, shared with the editor
    this.options = options;      // {previewUrl, post(url, body) -> Promise<Response>, onChange()}
    this.select = document.getElementById("formulier-kies");
    this.text = document.getElementById("formulier-json");
    this.error = document.getElementById("formulier-fout");
    this.preview = document.getElementById("formulier-voorbeeld");
    this.timer = null;
    this.sequence = 0;
    this.bind();
    this.open(this.select.value);
  }

  Forms.prototype.names = function () {
    return Object.keys(this.files).filter(function (p) { return p.indexOf("forms/") === 0; })
      .map(function (p) { return p.slice(6, -5); }).sort();
  };

  Forms.prototype.bind = function () {
    var self = this;
    this.select.addEventListener("change", function () { self.open(self.select.value); });
    this.text.addEventListener("input", function () {
      if (!self.select.value) { return; }
      self.files[self.select.value] = self.text.value;
      self.options.onChange();
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.render(); }, 400);
    });
    document.getElementById("nieuw-formulier").addEventListener("submit", function (e) {
      e.preventDefault();
      self.add(document.getElementById("nieuw-formulier-naam"));
    });
  };

  Forms.prototype.open = function (path) {
    this.select.value = path;
    this.text.value = path ? (this.files[path] || "") : "";
    this.text.disabled = !path;
    this.render();
  };

  Forms.prototype.add = function (input) {
    var name = input.value.trim();
    if (!NAME.test(name)) {
      this.showError("De naam van een formulier begint met een kleine letter, daarna letters, cijfers of _.");
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    var path = "forms/" + name + ".json";
    if (this.files[path] === undefined) {
      this.files[path] = JSON.stringify({
        title: name.replace(/_/g, " "),
        fields: [{ name: "toelichting", type: "textarea", label: "Toelichting" }]
      }, null, 2) + "\n";
      this.select.add(new Option(name, path));
      this.options.onChange();
    }
    input.value = "";
    input.removeAttribute("aria-invalid");
    this.open(path);
    this.text.focus();
  };

  Forms.prototype.showError = function (message) {
    this.error.hidden = !message;
    this.error.textContent = message || "";
    if (message) { this.text.setAttribute("aria-invalid", "true"); } else { this.text.removeAttribute("aria-invalid"); }
  };

  /** Ask the server to render the definition; only the newest answer is shown. */
  Forms.prototype.render = function () {
    var self = this;
    var path = this.select.value;
    if (!path) { this.preview.replaceChildren(); return; }
    var number = ++this.sequence;
    this.options.post(this.options.previewUrl, { name: path.slice(6, -5), definition: this.text.value })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (number !== self.sequence) { return; }
        if (answer.ok) {
          self.showError("");
          var doc = new DOMParser().parseFromString("<div>" + answer.body.html + "</div>", "text/html");
          self.preview.replaceChildren.apply(self.preview, Array.from(doc.body.firstChild.childNodes));
        } else {
          self.showError(answer.body.detail || "Het voorbeeld kon niet worden gemaakt.");
        }
      })
      .catch(function () {
        if (number === self.sequence) { self.showError("Het voorbeeld kon niet worden opgehaald (geen verbinding?)."); }
      });
  };

  Vroeg.Forms = Forms;
})();
