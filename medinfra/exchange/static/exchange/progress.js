// Polls an import run's progress and updates the bar; reloads the page for the report when done.
(function () {
  "use strict";
  var box = document.getElementById("run-progress");
  if (!box) { return; }
  var bar = document.getElementById("progress-bar");
  var text = document.getElementById("progress-text");
  var format = new Intl.NumberFormat(document.documentElement.lang || undefined);
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.total) { bar.max = data.total; }
        bar.value = data.done;
        text.textContent = format.format(data.done) + " / " + format.format(data.total || 0);
        if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
