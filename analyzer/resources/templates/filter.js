// Filter the findings (table and sections) by vendor, severity, category and flag, and sort the
// table by any column; the page reads the same without it.
(function () {
  var keys = ["vendor", "severity", "category", "flag"];
  var boxes = {vendor: "f-vendor", severity: "f-sev", category: "f-cat", flag: "f-flag"};
  var body = document.querySelector("#ftable tbody");
  function chosen(k) { return document.getElementById(boxes[k]).value; }
  function apply() {
    var shown = 0;
    document.querySelectorAll("#ftable tr.row, div.finding").forEach(function (el) {
      var ok = keys.every(function (k) { return !chosen(k) || el.dataset[k] === chosen(k); });
      el.style.display = ok ? "" : "none";
      if (ok && el.tagName === "TR") { shown += 1; }
    });
    document.getElementById("f-count").textContent = "显示 " + shown + " 项";
  }
  function sortBy(button) {
    var key = "k" + button.dataset.sort.charAt(0).toUpperCase() + button.dataset.sort.slice(1);
    var th = button.parentNode, down = th.getAttribute("aria-sort") === "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.dataset[key], y = b.dataset[key], nx = Number(x), ny = Number(y);
      var c = (isNaN(nx) || isNaN(ny)) ? x.localeCompare(y, "zh-CN") : nx - ny;
      return down ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    document.querySelectorAll("#ftable button[data-sort]").forEach(function (b) {
      b.parentNode.removeAttribute("aria-sort");
      b.removeAttribute("data-arrow");
    });
    th.setAttribute("aria-sort", down ? "descending" : "ascending");
    button.setAttribute("data-arrow", down ? " ▼" : " ▲");
  }
  keys.forEach(function (k) { document.getElementById(boxes[k]).addEventListener("change", apply); });
  document.querySelectorAll("#ftable button[data-sort]").forEach(function (b) {
    b.addEventListener("click", function () { sortBy(b); });
  });
  document.getElementById("filters").hidden = false;
  apply();
})();
