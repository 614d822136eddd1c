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
