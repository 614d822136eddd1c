// Material's search overlay has role="dialog" but no accessible name, so screen
// readers announce an unnamed dialog (axe: aria-dialog-name). Name it after the
// search box, whose label Material already translates.
(function () {
  var dialog = document.querySelector('.md-search[role="dialog"]');
  var input = document.querySelector(".md-search__input");
  if (dialog && input && !dialog.hasAttribute("aria-label")) {
    dialog.setAttribute("aria-label", input.getAttribute("aria-label"));
  }
})();

// Material wraps the copy button of every code block in a <nav>, so a page with ten
// blocks has ten unnamed navigation landmarks (axe: landmark-unique). It is a
// button, not navigation: take the landmark role away, for the blocks there now and
// for those Material adds later. Only added nodes are looked at: a whole-document
// query on every change was a long task on a slow phone.
(function () {
  function unlandmark(node) {
    if (node.nodeType !== 1) return;
    if (node.matches("nav.md-code__nav")) node.setAttribute("role", "none");
    node.querySelectorAll("nav.md-code__nav").forEach(function (nav) {
      nav.setAttribute("role", "none");
    });
  }
  unlandmark(document.body);
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(unlandmark);
    });
  }).observe(document.body, { childList: true, subtree: true });
})();
