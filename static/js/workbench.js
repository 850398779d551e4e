// Latitude ticket page: small enhancements on top of forms that work without JavaScript.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var form = document.getElementById("composer-form");
  if (!form) { return; }
  var composer = document.getElementById("composer");
  var body = form.querySelector("textarea[name=body]");
  var submit = document.getElementById("composer-submit");
  var typing = document.getElementById("presence-typing");
  var macro = form.querySelector("select[name=macro]");
  var idleTimer = null;

  function syncKind() {
    var checked = form.querySelector("input[name=internal]:checked");
    var note = checked && checked.value === "1";
    composer.classList.toggle("composer-note", note);
    submit.textContent = note ? submit.dataset.labelNote : submit.dataset.labelReply;
  }
  form.querySelectorAll("input[name=internal]").forEach(function (radio) {
    radio.addEventListener("change", syncKind);
  });
  syncKind();

  // "Someone is replying": the presence heartbeat sends typing=1 while the composer is in use.
  body.addEventListener("input", function () {
    var started = typing.value !== "1";
    typing.value = "1";
    // Tell the others at once rather than at the next heartbeat.
    if (started && window.htmx) { window.htmx.trigger("#presence", "typing"); }
    clearTimeout(idleTimer);
    idleTimer = setTimeout(function () { typing.value = "0"; }, 15000);
  });

  // Insert the chosen macro's text at the cursor, placeholders already filled by the server.
  if (macro) {
    var effects = document.getElementById("macro-effects");
    macro.addEventListener("change", function () {
      // What the macro changes besides the text is said before sending, not discovered after.
      if (effects) { effects.textContent = ""; effects.hidden = true; }
      if (!macro.value) { return; }
      fetch(macro.dataset.macroUrl + macro.value + "/", { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          var start = body.selectionStart || 0, end = body.selectionEnd || 0, text = body.value;
          var glue = start > 0 && text.charAt(start - 1) !== "\n" ? "\n\n" : "";
          body.value = text.slice(0, start) + glue + data.body + text.slice(end);
          body.focus();
          var caret = start + glue.length + data.body.length;
          body.setSelectionRange(caret, caret);
          if (effects && data.summary) { effects.textContent = data.summary; effects.hidden = false; }
        })
        .catch(function () { /* the "Insert macro" button still works */ });
    });
  }

  // One submit per composer: a double click must not post twice (the server refuses it too).
  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.getAttribute("formmethod") === "get") { return; }
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    submit.disabled = true;
    typing.value = "0";
  });
})();
