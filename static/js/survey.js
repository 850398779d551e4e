// The survey page: the reasons appear for low ratings; a rating that came from the e-mail's link is
// sent by the page itself (data-auto-submit), so mail scanners that only follow links record nothing.
(function () {
  var form = document.getElementById("survey-form");
  var reasons = document.getElementById("reason-block");
  if (!form) { return; }
  form.addEventListener("change", function (event) {
    if (event.target.name === "rating" && reasons) { reasons.hidden = !(event.target.value === "1" || event.target.value === "2"); }
  });
  if (form.dataset.autoSubmit === "1") { form.submit(); }
})();
