/* The review page: a mark in the text leads to its proposal in the list, and a proposal
 * points at its words in the text. Reading aids only: every decision is a form posted to
 * the server (ingest/admin.py). No dependencies, no inline script. */
(function () {
  "use strict";

  function flash(element) {
    element.classList.add("flash");
    window.setTimeout(function () { element.classList.remove("flash"); }, 1200);
  }

  function anchorOf(key) {
    return "p-" + key.replace(/:/g, "-");
  }

  document.addEventListener("click", function (event) {
    var mark = event.target.closest("mark.ingest-mark");
    if (!mark) {
      return;
    }
    var item = document.getElementById(anchorOf(mark.dataset.key));
    if (item) {
      item.scrollIntoView({block: "center"});
      flash(item);
    }
  });

  document.addEventListener("mouseover", function (event) {
    var item = event.target.closest(".proposal[data-key]");
    if (!item || item.contains(event.relatedTarget)) {
      return;
    }
    var mark = document.querySelector("mark.ingest-mark[data-key='" + item.dataset.key + "']");
    if (mark) {
      flash(mark);
    }
  });
}());
