// @mentions in the composer: typing "@na" offers colleagues (GET data-mention-url?q=na); picking one
// inserts "@username ". Arrow keys move, Enter or Tab picks, Escape closes.
(function () {
  "use strict";
  var body = document.querySelector("#composer-form textarea[name=body]");
  var url = body && body.dataset.mentionUrl;
  if (!body || !url) { return; }
  var list = document.createElement("ul");
  list.className = "list-group mention-list shadow-sm";
  list.id = "mention-list";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  body.parentNode.insertBefore(list, body.nextSibling);
  body.setAttribute("aria-controls", "mention-list");
  var active = 0, timer = null, start = -1;

  function word() {
    var upto = body.value.slice(0, body.selectionStart);
    var m = /(^|\s)@([\w.+-]{0,30})$/.exec(upto);
    if (!m) { return null; }
    start = upto.length - m[2].length - 1;
    return m[2];
  }
  function close() { list.hidden = true; list.innerHTML = ""; }
  function pick(li) {
    var name = li.dataset.username;
    var end = body.selectionStart;
    body.value = body.value.slice(0, start) + "@" + name + " " + body.value.slice(end);
    var at = start + name.length + 2;
    body.setSelectionRange(at, at);
    close();
    body.focus();
  }
  function show(rows) {
    list.innerHTML = "";
    rows.forEach(function (row, i) {
      var li = document.createElement("li");
      li.className = "list-group-item list-group-item-action py-1 small" + (i === 0 ? " active" : "");
      li.setAttribute("role", "option");
      li.dataset.username = row.username;
      li.textContent = row.name + " (@" + row.username + ")";
      li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(li); });
      list.appendChild(li);
    });
    active = 0;
    list.hidden = rows.length === 0;
  }
  body.addEventListener("input", function () {
    var q = word();
    if (q === null) { close(); return; }
    clearTimeout(timer);
    timer = setTimeout(function () {
      fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { show(data.results || []); });
    }, 120);
  });
  body.addEventListener("keydown", function (e) {
    if (list.hidden) { return; }
    var items = list.querySelectorAll("li");
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      items[active].classList.remove("active");
      active = (active + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items[active].classList.add("active");
    } else if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      pick(items[active]);
    } else if (e.key === "Escape") {
      close();
    }
  });
  body.addEventListener("blur", function () { setTimeout(close, 150); });
})();
