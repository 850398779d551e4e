// The ticket page's article panel: "Insert link" puts the article's title and address into the
// reply composer at the cursor.
(function () {
  "use strict";
  if (window.latitudeKbComposer) return;
  window.latitudeKbComposer = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-kb-insert]");
    if (!button) return;
    var box = document.querySelector("#composer-form textarea[name=body]");
    if (!box) return;
    var text = button.dataset.kbInsert;
    var start = box.selectionStart || box.value.length;
    var end = box.selectionEnd || start;
    var before = box.value.slice(0, start);
    var glue = before && !/\s$/.test(before) ? "\n" : "";
    box.value = before + glue + text + box.value.slice(end);
    box.focus();
    box.selectionStart = box.selectionEnd = (before + glue + text).length;
  });
})();
