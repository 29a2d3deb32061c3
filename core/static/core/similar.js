/* Near-duplicates before saving: as the curator types a record's name or aliases (after a
 * pause), or presses "Check for duplicates", the existing records with a close name or alias
 * are listed under the name, with links. The rule (titles, honorifics and transliteration
 * aside) is the server's (core.names); this only asks it. No dependencies, no inline script.
 */
(function () {
  "use strict";

  var DELAY_MS = 400;

  function aliasesOf(form) {
    var field = form.querySelector("[name='aliases']");
    if (!field || !field.value.trim()) {
      return [];
    }
    try {
      var value = JSON.parse(field.value);
      return Array.isArray(value) ? value.filter(function (v) { return typeof v === "string"; }) : [];
    } catch (e) {
      return []; /* not JSON yet: the form says so on save */
    }
  }

  function show(panel, found) {
    panel.textContent = "";
    if (!found.length) {
      panel.appendChild(document.createTextNode("No existing record has a close name."));
      panel.className = "similar-panel help";
      return;
    }
    panel.className = "similar-panel warning";
    panel.appendChild(document.createTextNode(
      "Possible duplicates (if one is the same, add this name as its alias instead): "));
    found.forEach(function (item, i) {
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.name;
      if (i) {
        panel.appendChild(document.createTextNode(", "));
      }
      panel.appendChild(link);
      panel.appendChild(document.createTextNode(" (" + item.why + "; " + item.review_state + ")"));
    });
  }

  function setUp(input) {
    var form = input.form;
    var panel = document.createElement("div");
    panel.className = "similar-panel";
    panel.setAttribute("role", "status");
    panel.setAttribute("aria-live", "polite");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button similar-check";
    button.textContent = "Check for duplicates";
    input.insertAdjacentElement("afterend", button);
    /* Under the label and the field, not squeezed beside them. */
    (input.closest(".flex-container") || button).insertAdjacentElement("afterend", panel);
    var timer = null;
    var asked = "";

    function check(force) {
      var params = new URLSearchParams();
      params.append("name", input.value);
      aliasesOf(form).forEach(function (alias) { params.append("alias", alias); });
      params.append("exclude", input.getAttribute("data-similar-id") || "");
      var query = params.toString();
      if (!input.value.trim() || (query === asked && !force)) {
        return;
      }
      asked = query;
      fetch(input.getAttribute("data-similar-url") + "?" + query, {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (data && query === asked) {
            show(panel, data.similar);
          }
        });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(check, DELAY_MS);
    }

    input.addEventListener("input", later);
    var aliases = form && form.querySelector("[name='aliases']");
    if (aliases) {
      aliases.addEventListener("input", later);
    }
    button.addEventListener("click", function () { check(true); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-similar-url]").forEach(setUp);
  });
})();
