// A submission's answers saved as the person types: each question's fields are sent to the
// API a moment after the last keystroke, and the question says "Saved". Without this file
// the form's Save button saves the whole form, and the server does the same.
(function () {
  "use strict";
  var DELAY = 700;
  function csrf(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function valueOf(fieldset, code) {
    var checked = fieldset.querySelector("input[type=radio][name='q-" + code + "']:checked");
    if (checked) { return checked.value; }
    var field = fieldset.querySelector("[name='q-" + code + "']:not([type=radio])");
    return field ? field.value : null;
  }
  function save(form, fieldset) {
    var code = fieldset.dataset.question;
    var status = fieldset.querySelector(".saved");
    var na = fieldset.querySelector("input[name='na-" + code + "']");
    var comment = fieldset.querySelector("[name='c-" + code + "']");
    var body = { comment: comment ? comment.value : "" };
    var hasValue = fieldset.querySelector("[name='q-" + code + "']");
    if (hasValue) { body.value = valueOf(fieldset, code); }
    if (na) { body.not_applicable = na.checked; }
    if (status) { status.textContent = form.dataset.saving; }
    fetch(fieldset.dataset.url, {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(form) },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (!status) { return; }
      if (result.ok) {
        status.textContent = form.dataset.saved;
        fieldset.classList.remove("failed");
        if (result.data.state !== "prefilled") {
          // Changed, a pre-filled answer is the party's own: nothing left to confirm.
          fieldset.querySelectorAll(".prefilled, button[form^='confirm-']").forEach(function (el) {
            el.hidden = true;
          });
        }
      } else {
        status.textContent = form.dataset.failed + ": " + (result.data.detail || "");
        fieldset.classList.add("failed");
      }
    }).catch(function () {
      if (status) { status.textContent = form.dataset.failed; }
    });
  }
  // A question that depends on another's answer is shown once that answer is given (the
  // server decides the same when it checks what is missing).
  function follow(form) {
    form.querySelectorAll("fieldset[data-depends-on]").forEach(function (fieldset) {
      var parent = document.getElementById("q-" + fieldset.dataset.dependsOn);
      var shown = parent && !parent.hidden &&
        valueOf(parent, fieldset.dataset.dependsOn) === fieldset.dataset.dependsValue;
      var na = parent && parent.querySelector("input[name='na-" + fieldset.dataset.dependsOn + "']");
      if (na && na.checked) { shown = false; }
      fieldset.hidden = !shown;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-autosave]");
    if (!form) { return; }
    form.addEventListener("change", function () { follow(form); follow(form); });
    form.querySelectorAll("fieldset[data-question][data-url]").forEach(function (fieldset) {
      var timer = null;
      function later() {
        clearTimeout(timer);
        timer = setTimeout(function () { save(form, fieldset); }, DELAY);
      }
      fieldset.addEventListener("input", function (event) {
        if (event.target.form === form || !event.target.getAttribute("form")) { later(); }
      });
      fieldset.addEventListener("change", function (event) {
        if (event.target.type === "file" || event.target.getAttribute("form")) { return; }
        later();
      });
    });
  });
})();
