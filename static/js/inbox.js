// Inbox: "/" jumps to the search box (unless one is already typing somewhere).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      var search = document.getElementById("id_q");
      if (search) { event.preventDefault(); search.focus(); search.select(); }
    }
  });
})();

// Inbox bulk selection: checkboxes, shift-click ranges, "this page" and a live count in the bulk bar.
(function () {
  "use strict";
  var last = null;
  function boxes() { return Array.prototype.slice.call(document.querySelectorAll(".bulk-check")); }
  function refresh() {
    var count = document.getElementById("bulk-count");
    if (!count) { return; }
    var all = document.getElementById("bulk-all-matching");
    var n = boxes().filter(function (b) { return b.checked; }).length;
    var tpl = n ? (count.dataset.some || "{n} selected") : (count.dataset.none || count.textContent);
    if (!count.dataset.none) { count.dataset.none = count.textContent; }
    count.textContent = all && all.checked ? all.nextElementSibling.textContent : (n ? tpl.replace("{n}", n) : count.dataset.none);
  }
  document.addEventListener("click", function (event) {
    var box = event.target;
    if (box.classList && box.classList.contains("bulk-check")) {
      var list = boxes();
      if (event.shiftKey && last && last !== box) {
        var a = list.indexOf(last), b = list.indexOf(box);
        list.slice(Math.min(a, b), Math.max(a, b) + 1).forEach(function (x) { x.checked = box.checked; });
      }
      last = box;
      refresh();
    } else if (box.id === "bulk-page") {
      boxes().forEach(function (x) { x.checked = box.checked; });
      refresh();
    } else if (box.id === "bulk-all-matching") {
      refresh();
    }
  });
  document.addEventListener("htmx:afterSwap", function () { last = null; refresh(); });
})();
