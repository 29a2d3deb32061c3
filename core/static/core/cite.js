/* Cite by selecting: beside each citation of a record's admin form, the chosen source's text.
 * Selecting words in it fills the citation's quote, start and end; fills the record's EMPTY
 * fields with the values the words state (core.proposals: countries in their roles, the
 * commodity, the figure with its unit and qualifier, the status, a speaker...; select2
 * pickers too), never overwriting what the curator typed; ticks the supported fields whose
 * values the words state (core.autotick), and the contradicted ones with the figure the
 * words give instead. All through the admin's autotick endpoint; a status line says what was
 * filled and ticked, and the curator checks it before saving.
 *
 * No dependencies. The source picker is Django's autocomplete (select2, which announces
 * changes through django.jQuery), so changes are heard both ways. The server checks
 * everything again on save (core.services): this only saves typing.
 */
(function () {
  "use strict";

  var SELECT = "select[data-cite-text-url]";

  function field(row, suffix) {
    return row.querySelector("[name$='-" + suffix + "']");
  }

  function rowOf(select) {
    return select.closest(".inline-related") || select.closest("tr") || select.parentNode;
  }

  function isTemplate(select) {
    return select.name.indexOf("__prefix__") !== -1;
  }

  /* Offset of (node, offset) within container's text, counting characters as the text has them. */
  function offsetIn(container, node, offset) {
    var range = document.createRange();
    range.setStart(container, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function panelFor(select) {
    var row = rowOf(select);
    var panel = row.querySelector(".cite-panel");
    if (!panel) {
      panel = document.createElement("div");
      panel.className = "cite-panel";
      panel.setAttribute("role", "region");
      panel.setAttribute("aria-label", "Text of the chosen source");
      var formRow = select.closest(".form-row") || select.parentNode;
      formRow.parentNode.insertBefore(panel, formRow.nextSibling);
    }
    return panel;
  }

  function render(panel, text, start, end) {
    var box = panel.querySelector(".cite-text");
    box.textContent = "";
    if (start === null || start === undefined || end <= start) {
      box.appendChild(document.createTextNode(text));
      return;
    }
    var mark = document.createElement("mark");
    mark.textContent = text.slice(start, end);
    box.appendChild(document.createTextNode(text.slice(0, start)));
    box.appendChild(mark);
    box.appendChild(document.createTextNode(text.slice(end)));
  }

  /* The main form's values, by field name (inline rows have prefixed names: left out). */
  function mainValues(row) {
    var form = row.closest("form");
    var values = {};
    if (!form) return values;
    new FormData(form).forEach(function (value, name) {
      if (name.indexOf("-") !== -1 || name === "csrfmiddlewaretoken") return;
      var el = form.elements[name];
      // A multiple select, or a group of checkboxes of one name (a list of choices).
      var many = el && ((el.tagName === "SELECT" && el.multiple) ||
        (typeof RadioNodeList !== "undefined" && el instanceof RadioNodeList &&
         el[0] && el[0].type === "checkbox"));
      if (many) (values[name] = values[name] || []).push(value);
      else values[name] = value;
    });
    return values;
  }

  /* Ask the server which fields the quote states (core.autotick: the rules live there,
   * tested in Python), tick those, and report the ticks. */
  /* Fill an empty main-form field with a proposed value (a qualifier goes with its figure,
   * replacing the default "exact"). Returns what was filled, for the status line. */
  function fillField(form, name, item) {
    var el = form.elements[name];
    if (!el || el.disabled || (el.length !== undefined && el.tagName !== "SELECT")) return null;
    var replace = /_qualifier$/.test(name);
    if (el.value && !replace) return null;
    if (el.tagName === "SELECT") {
      var option = Array.prototype.find.call(el.options, function (o) { return o.value === item.value; });
      if (!option) {
        // An autocomplete (select2) holds only the chosen option: add it, then choose it.
        option = new Option(item.label || item.value, item.value, true, true);
        el.appendChild(option);
      }
      el.value = item.value;
      if (window.django && window.django.jQuery) window.django.jQuery(el).trigger("change");
      else el.dispatchEvent(new Event("change", { bubbles: true }));
      return name.replace(/_/g, " ") + " " + (item.label || option.textContent.trim() || item.value);
    }
    el.value = item.value;
    el.dispatchEvent(new Event("input", { bubbles: true }));
    return name.replace(/_/g, " ") + " " + item.value;
  }

  /* Tick the contradicted fields and give the figure the words state instead (if empty). */
  function markContradictions(row, contradicts) {
    var names = Object.keys(contradicts || {});
    names.forEach(function (name) {
      var box = row.querySelector("input[type=checkbox][name$='-contradicts'][value='" + name + "']");
      if (box) box.checked = true;
    });
    var stated = field(row, "stated");
    if (names.length && stated && (!stated.value.trim() || stated.value.trim() === "{}")) {
      stated.value = JSON.stringify(contradicts);
    }
    return names.map(function (name) {
      return name.replace(/_/g, " ") + " (the words give " + contradicts[name] + ")";
    });
  }

  function tickSupports(select, row, quote, report) {
    var url = select.getAttribute("data-cite-tick-url");
    var boxes = row.querySelectorAll("input[type=checkbox][name$='-supports']");
    var done = function (fields, values, contradicts) {
      var ticked = [];
      var filled = [];
      var form = row.closest("form");
      Object.keys(values || {}).forEach(function (name) {
        var what = fillField(form, name, values[name]);
        if (what) filled.push(what);
      });
      boxes.forEach(function (box) {
        if (!box.checked && fields.indexOf(box.value) !== -1) box.checked = true;
        if (box.checked) ticked.push(box.value.replace(/_/g, " "));
      });
      report(ticked, filled, markContradictions(row, contradicts));
    };
    if (!url) return done([]);
    var token = row.closest("form").querySelector("[name=csrfmiddlewaretoken]");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": token ? token.value : "",
      },
      body: JSON.stringify({ values: mainValues(row), quote: quote }),
    })
      .then(function (response) { return response.ok ? response.json() : { fields: [] }; })
      .then(function (answer) { done(answer.fields || [], answer.values, answer.contradicts); })
      .catch(function () { done([]); });
  }

  function onSelect(select, panel, text) {
    var box = panel.querySelector(".cite-text");
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || sel.rangeCount === 0) return;
    var range = sel.getRangeAt(0);
    if (!box.contains(range.startContainer) || !box.contains(range.endContainer)) return;
    var start = offsetIn(box, range.startContainer, range.startOffset);
    var end = offsetIn(box, range.endContainer, range.endOffset);
    while (start < end && /\s/.test(text.charAt(start))) start++;
    while (end > start && /\s/.test(text.charAt(end - 1))) end--;
    if (end <= start) return;
    var quote = text.slice(start, end);
    var row = rowOf(select);
    field(row, "quote").value = quote;
    field(row, "start").value = start;
    var endField = field(row, "end");
    if (endField) endField.value = end;
    render(panel, text, start, end);
    sel.removeAllRanges();
    tickSupports(select, row, quote, function (ticked, filled, contradicted) {
      panel.querySelector(".cite-status").textContent =
        "Quote filled in: characters " + start + "–" + end + ". " +
        (filled && filled.length ? "Filled in from the words: " + filled.join(", ") + ". " : "") +
        "Supports: " + (ticked.length ? ticked.join(", ") : "nothing ticked yet") + ". " +
        (contradicted && contradicted.length ? "Contradicts: " + contradicted.join(", ") + ". " : "") +
        "Check the form and the ticks, then save.";
    });
  }

  function load(select) {
    if (isTemplate(select)) return;
    var panel = panelFor(select);
    if (!select.value) {
      panel.hidden = true;
      return;
    }
    panel.hidden = false;
    panel.innerHTML =
      '<p class="cite-help">Select the words that state the facts: the quote, its span and the ' +
      "supported fields are filled in for you.</p>" +
      '<div class="cite-text" tabindex="0"></div><p class="cite-status" aria-live="polite"></p>';
    var url = select.getAttribute("data-cite-text-url").replace("__pk__", select.value);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (source) {
        var status = panel.querySelector(".cite-status");
        if (source.cited_by_locator || !source.text) {
          panel.querySelector(".cite-text").hidden = true;
          status.textContent = source.cited_by_locator
            ? "A " + source.kind.toLowerCase() + " is cited by locator, not by quote."
            : "This source has no stored text to quote.";
          return;
        }
        var row = rowOf(select);
        var start = parseInt(field(row, "start").value, 10);
        var quote = field(row, "quote").value;
        var known = !isNaN(start) && source.text.substr(start, quote.length) === quote;
        render(panel, source.text, known ? start : null, known ? start + quote.length : null);
        var box = panel.querySelector(".cite-text");
        var handler = function () { onSelect(select, panel, source.text); };
        box.addEventListener("mouseup", handler);
        box.addEventListener("keyup", function (event) {
          if (event.shiftKey) handler();
        });
      })
      .catch(function () {
        panel.querySelector(".cite-status").textContent = "The source's text could not be loaded.";
      });
  }

  function init(root) {
    (root || document).querySelectorAll(SELECT).forEach(function (select) {
      if (select.dataset.citeBound) return;
      select.dataset.citeBound = "1";
      load(select);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    if (window.django && window.django.jQuery) {
      // select2 announces a choice through jQuery only; jQuery also hears native changes.
      window.django.jQuery(document).on("change", SELECT, function () { load(this); });
    } else {
      document.addEventListener("change", function (event) {
        if (event.target.matches && event.target.matches(SELECT)) load(event.target);
      });
    }
  });
  document.addEventListener("formset:added", function (event) { init(event.target); });
})();
