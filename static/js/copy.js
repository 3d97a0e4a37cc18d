/* heritage: "Copy the citation" buttons. The button is hidden in the HTML and shown only where the Clipboard API
   exists; where writing to the clipboard is refused, the text is selected so that the keyboard can copy it. */
(function () {
  "use strict";

  function announce(button, text) {
    var status = button.parentNode.querySelector("[role=status]");
    if (status) { status.textContent = text; }
  }

  function select(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!navigator.clipboard || !window.isSecureContext) { return; }
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var source = document.getElementById(button.dataset.copy);
      if (!source) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(source.textContent.trim()).then(
          function () { announce(button, button.dataset.copied); },
          function () { select(source); announce(button, button.dataset.failed); }
        );
      });
    });
  });
})();
