// Selects marked data-autosubmit send their form when changed (the language picker); no inline handlers (CSP).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.matches && target.matches("select[data-autosubmit]") && target.form) { target.form.submit(); }
});
