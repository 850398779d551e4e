// Side-by-side safety on the ticket page: #thread-updates polls (htmx) for messages written since the
// page loaded. Sending a public reply after the customer wrote again asks first; confirming marks the
// new messages as seen. The server enforces the same rule (it refuses a reply whose `seen` is stale).
(function () {
  "use strict";
  var form = document.getElementById("composer-form");
  var seen = document.getElementById("composer-seen");
  if (!form || !seen) { return; }

  function isNote() {
    var checked = form.querySelector("input[name=internal]:checked");
    return checked && checked.value === "1";
  }

  // Capture phase: runs before the composer's own one-submit guard, so a cancelled send stays sendable.
  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.getAttribute("formmethod") === "get") { return; }
    var updates = document.getElementById("thread-updates");
    if (!updates || isNote() || updates.dataset.customerWrote !== "1") { return; }
    var newest = parseInt(updates.dataset.newest || "0", 10);
    if (!newest || newest <= parseInt(seen.value || "0", 10)) { return; }
    if (window.confirm(updates.dataset.confirm)) {
      seen.value = String(newest);
    } else {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
