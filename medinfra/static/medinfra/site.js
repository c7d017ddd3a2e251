// medinfra: small enhancements only. Every page works without this file: the display form posts
// to the server, which sets the same cookies, and the map's regions carry their own titles.
(function () {
  "use strict";
  var YEAR = 365 * 24 * 3600;

  function keep(name, value) {
    document.cookie = name + "=" + value + "; path=/; max-age=" + YEAR + "; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
  }

  // Display mode: switch at once, without reloading, and keep it for the next pages.
  function setUpDisplay(form) {
    var root = document.documentElement;
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || !button.name) { return; }
      event.preventDefault();
      if (button.name === "text") {
        var large = button.value === "large";
        root.classList.toggle("text-large", large);
        root.classList.toggle("text-normal", !large);
        keep("display_text", large ? "large" : "normal");
        button.value = large ? "normal" : "large";
        button.setAttribute("aria-pressed", String(large));
      } else if (button.name === "scheme") {
        ["standard", "blue", "bw"].forEach(function (scheme) {
          root.classList.toggle("scheme-" + scheme, scheme === button.value);
        });
        keep("display_scheme", button.value);
        form.querySelectorAll("button[name=scheme]").forEach(function (other) {
          other.setAttribute("aria-pressed", String(other === button));
        });
      }
    });
  }

  // Map: the region's name and value beside the pointer or the keyboard focus.
  function setUpMap(svg) {
    var tip = svg.parentNode.querySelector("[data-map-tip]");
    if (!tip) { return; }
    svg.querySelectorAll("a title").forEach(function (title) { title.remove(); });
    function show(link) {
      var box = link.getBoundingClientRect();
      var frame = svg.parentNode.getBoundingClientRect();
      tip.textContent = link.getAttribute("data-tip");
      tip.hidden = false;
      var left = Math.min(box.left - frame.left + box.width / 2, frame.width - tip.offsetWidth);
      tip.style.left = Math.max(0, left) + "px";
      tip.style.top = Math.max(0, box.top - frame.top - tip.offsetHeight - 4) + "px";
    }
    function hide() { tip.hidden = true; }
    svg.querySelectorAll("a[data-tip]").forEach(function (link) {
      link.addEventListener("mouseenter", function () { show(link); });
      link.addEventListener("focus", function () { show(link); });
      link.addEventListener("mouseleave", hide);
      link.addEventListener("blur", hide);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { hide(); }
    });
  }

  document.querySelectorAll("[data-display-form]").forEach(setUpDisplay);
  document.querySelectorAll("[data-map]").forEach(setUpMap);
})();
