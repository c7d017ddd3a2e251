/* Saves a report draft to the server a few seconds after typing stops, and says when.
   Without this script the form works the same through its "Save draft" button. A failed
   save keeps the text on the page and says so; a stale save (the draft changed in another
   tab) is refused by the server and this script stops, so nothing is overwritten. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = form.querySelector("[data-autosave-status]");
  var version = form.querySelector("input[name=draft_version]");
  var DELAY = 3000;
  var dirty = false;
  var busy = false;
  var stopped = form.hasAttribute("data-conflict");
  var timer = null;
  var pendingSubmit = null;

  function say(text, problem) {
    status.textContent = text;
    status.classList.toggle("problem", Boolean(problem));
  }

  function later(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  }

  function changed() {
    dirty = true;
    if (!stopped) { later(DELAY); }
  }

  function adopt(answer) {
    version.value = answer.version;
    document.querySelectorAll("input[data-draft-version]").forEach(function (input) {
      input.value = answer.version;
    });
    if (answer.autosave_url && form.getAttribute("data-autosave-url") !== answer.autosave_url) {
      // The first save of a new form made it a draft: reloading now opens that draft.
      form.setAttribute("data-autosave-url", answer.autosave_url);
      form.setAttribute("action", answer.url);
      window.history.replaceState(null, "", answer.url);
    }
    say(status.getAttribute("data-saved").replace("{time}", answer.saved_at), false);
  }

  function finished() {
    busy = false;
    if (pendingSubmit !== null) {
      var button = pendingSubmit;
      pendingSubmit = null;
      stopped = true;
      if (form.requestSubmit) { form.requestSubmit(button); } else { form.submit(); }
    }
  }

  function save() {
    if (!dirty || stopped) { return; }
    if (busy) { later(DELAY); return; }
    busy = true;
    dirty = false;
    say(status.getAttribute("data-saving"), false);
    window.fetch(form.getAttribute("data-autosave-url"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (answer) {
        if (response.ok && answer && answer.version) {
          adopt(answer);
        } else if (response.status === 409 && answer) {
          stopped = true;
          say(answer.error, true);
        } else {
          dirty = true;
          say(answer && answer.error ? answer.error : status.getAttribute("data-failed"), true);
          later(DELAY * 3);
        }
      });
    }).catch(function () {
      dirty = true;
      say(status.getAttribute("data-failed"), true);
      later(DELAY * 3);
    }).then(finished);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    if (busy) {
      // Wait for the save in flight: it changes the draft's version this form sends.
      event.preventDefault();
      pendingSubmit = event.submitter || null;
      if (pendingSubmit === null) { pendingSubmit = form.querySelector("button[type=submit]"); }
      return;
    }
    stopped = true;
  });
  window.addEventListener("online", function () { if (dirty && !stopped) { save(); } });
})();
