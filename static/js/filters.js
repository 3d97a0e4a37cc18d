/* heritage: a filter form sends only the filters applied, so the address it leads to is the clean one to share
   (?condition=destroyed, not ?q=&condition=destroyed&country=&…). Without this script the server redirects to
   the same clean address (heritage.listing.CleanQueryMixin). */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("filters") || form.method.toLowerCase() !== "get") { return; }
    var blank = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && !field.disabled && field.type !== "checkbox" && field.type !== "radio" &&
          field.type !== "submit" && field.value.trim() === "") {
        blank.push(field);
      }
    });
    // A disabled field is not submitted. They are enabled again at once, so the form stays as the reader left it
    // (for the back button too).
    blank.forEach(function (field) { field.disabled = true; });
    window.setTimeout(function () { blank.forEach(function (field) { field.disabled = false; }); }, 0);
  });
})();
