// Show only the findings that match the chosen severity and flag; the page works without it.
(function () {
  var sev = document.getElementById("f-sev"), flag = document.getElementById("f-flag");
  function apply() {
    document.querySelectorAll("div.finding").forEach(function (d) {
      var ok = (!sev.value || d.dataset.severity === sev.value) && (!flag.value || d.dataset.flag === flag.value);
      d.style.display = ok ? "" : "none";
    });
  }
  sev.addEventListener("change", apply);
  flag.addEventListener("change", apply);
  document.getElementById("filters").hidden = false;
})();
