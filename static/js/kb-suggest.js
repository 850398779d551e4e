// Help-centre suggestions while a customer types (contact form, portal reply). No inline script:
// the container names its textarea, the suggestion API, the language and the heading in data-*.
(function () {
  "use strict";
  document.querySelectorAll("[data-kb-suggest-for]").forEach(function (box) {
    var field = document.getElementById(box.dataset.kbSuggestFor);
    var subject = box.dataset.kbSuggestAlso ? document.getElementById(box.dataset.kbSuggestAlso) : null;
    if (!field) return;
    var timer = null;
    var last = "";
    function render(results) {
      box.textContent = "";
      if (!results.length) return;
      var heading = document.createElement("p");
      heading.className = "small fw-semibold mb-1";
      heading.textContent = box.dataset.kbHeading || "";
      var list = document.createElement("ul");
      list.className = "small mb-0 kb-suggestions";
      results.forEach(function (r) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = r.url + "?from=" + encodeURIComponent(box.dataset.kbSource || "portal");
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = r.title;
        item.appendChild(link);
        list.appendChild(item);
      });
      box.appendChild(heading);
      box.appendChild(list);
    }
    function ask() {
      var q = ((subject ? subject.value + " " : "") + field.value).trim();
      // The last few words say most about what the customer is asking now.
      q = q.split(/\s+/).slice(-6).join(" ");
      if (q.length < 3 || q === last) return;
      last = q;
      var url = box.dataset.kbSuggestUrl + "?q=" + encodeURIComponent(q) + "&language=" + encodeURIComponent(box.dataset.kbLanguage || "");
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { render(data.results || []); })
        .catch(function () {});
    }
    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(ask, 350);
    }
    field.addEventListener("input", schedule);
    if (subject) subject.addEventListener("input", schedule);
  });
})();
