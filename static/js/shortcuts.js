// Keyboard shortcuts (documented in the "?" overlay and docs/agent-tools.md), never while typing.
// Inbox: j/k move, o or Enter open. Ticket page: r reply, n note, a assign to me, s solve. Both: ? help.
(function () {
  "use strict";
  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr[data-ticket-url]")); }
  var current = -1;
  function move(step) {
    var list = rows();
    if (!list.length) { return; }
    if (list[current]) { list[current].classList.remove("kbd-current"); }
    current = Math.max(0, Math.min(list.length - 1, current + step));
    list[current].classList.add("kbd-current");
    list[current].setAttribute("tabindex", "-1");
    list[current].focus();
  }
  function compose(note) {
    var radio = document.querySelector('#composer-form input[name="internal"][value="' + (note ? "1" : "0") + '"]');
    if (radio) { radio.checked = true; radio.dispatchEvent(new Event("change", { bubbles: true })); }
    var body = document.querySelector("#composer-form textarea[name=body]");
    if (body) { body.focus(); }
  }
  function click(selector) {
    var el = document.querySelector(selector);
    if (el) { el.click(); }
  }
  function help() {
    var dialog = document.getElementById("shortcuts-help");
    if (!dialog) { return; }
    if (dialog.open) { dialog.close(); } else { dialog.showModal(); }
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var key = event.key;
    var list = rows();
    if (key === "?") { event.preventDefault(); help(); return; }
    if (list.length && (key === "j" || key === "k")) { event.preventDefault(); move(key === "j" ? 1 : -1); return; }
    if (list.length && (key === "o" || key === "Enter") && list[current]) {
      event.preventDefault(); window.location.href = list[current].dataset.ticketUrl; return;
    }
    if (key === "r") { event.preventDefault(); compose(false); }
    else if (key === "n") { event.preventDefault(); compose(true); }
    else if (key === "a") { click("#assign-to-me"); }
    else if (key === "s") { click("#mark-solved"); }
  });
  document.addEventListener("htmx:afterSwap", function () { current = -1; });
})();
