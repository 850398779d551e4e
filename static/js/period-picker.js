// The period picker: choosing a preset fills From/To at once (the option carries its dates), and editing
// a date by hand switches the picker to "Custom", so the label always names the period shown.
(function () {
  "use strict";
  function wire(select) {
    if (select.dataset.periodWired) return;
    select.dataset.periodWired = "1";
    var form = select.form;
    var since = form.querySelector("input[name=since]");
    var until = form.querySelector("input[name=until]");
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      if (option && option.dataset.since && since && until) {
        since.value = option.dataset.since;
        until.value = option.dataset.until;
      }
    });
    [since, until].forEach(function (input) {
      if (!input) return;
      input.addEventListener("change", function () {
        if (select.querySelector("option[value=custom]")) select.value = "custom";
      });
    });
  }
  function wireAll() {
    document.querySelectorAll("select[data-period-picker]").forEach(wire);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wireAll);
  else wireAll();
})();
