/* heritage: the name filters' text boxes (input[data-suggest]) become comboboxes that offer the matching records
   as the reader types, the WAI-ARIA 1.2 pattern "combobox with list autocomplete": role=combobox on the box,
   aria-expanded, aria-controls naming a role=listbox popup, aria-activedescendant for the option in focus.
   Down/Up move through the options (and open the list), Enter picks the one in focus, Escape closes the list (or,
   when it is closed, clears the box), a click picks too. The suggestions come from /suggest/<kind>/?q= (at most
   ten published records). A picked record is sent as its slug, so the address is the stable one at once; without
   this script the server resolves the typed name itself (heritage.name_filters). */
(function () {
  "use strict";

  var DELAY = 150;

  function setUp(input, index) {
    var listId = (input.id || "name-filter-" + index) + "-listbox";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "combobox-list";
    list.setAttribute("role", "listbox");
    var label = input.labels && input.labels[0];
    if (label) {
      if (!label.id) { label.id = input.id + "-label"; }
      list.setAttribute("aria-labelledby", label.id);
    }
    list.hidden = true;
    var wrapper = document.createElement("div");
    wrapper.className = "combobox";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    wrapper.appendChild(list);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var options = [], active = -1, timer = null, request = 0, picked = null;

    function open(expanded) {
      list.hidden = !expanded;
      input.setAttribute("aria-expanded", expanded ? "true" : "false");
      if (!expanded) { focus(-1); }
    }

    function focus(i) {
      options.forEach(function (option, j) { option.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (i >= 0) {
        input.setAttribute("aria-activedescendant", options[i].id);
        options[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function pick(i) {
      var option = options[i];
      picked = { value: option.dataset.value, label: option.textContent };
      input.value = option.textContent;
      open(false);
    }

    function show(results) {
      list.textContent = "";
      options = results.map(function (result, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.value = result.value;
        option.textContent = result.label;
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { pick(i); });
        list.appendChild(option);
        return option;
      });
      active = -1;
      open(results.length > 0 && document.activeElement === input);
    }

    function fetchSuggestions() {
      var text = input.value.trim();
      var mine = ++request;
      if (!text) { show([]); return; }
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (mine === request) { show(data.results || []); } })
        .catch(function () { if (mine === request) { show([]); } });
    }

    input.addEventListener("input", function () {
      picked = null;
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      var expanded = !list.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!options.length) { return; }
        if (!expanded) { open(true); }
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = active < 0 ? (step > 0 ? 0 : options.length - 1) : (active + step + options.length) % options.length;
        focus(next);
      } else if (event.key === "Enter" && expanded && active >= 0) {
        event.preventDefault();
        pick(active);
      } else if (event.key === "Escape") {
        if (expanded) {
          event.preventDefault();
          open(false);
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          picked = null;
        }
      }
    });

    input.addEventListener("blur", function () { open(false); });

    // A picked record is sent by its slug; anything else typed is sent as it is, for the server to resolve.
    if (input.form) {
      input.form.addEventListener("submit", function () {
        if (picked && input.value === picked.label) { input.value = picked.value; }
      }, true);
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), setUp);
})();
