/* heritage: the name filters' text boxes (input[data-suggest]) become comboboxes that offer the matching records
   as the reader types, the WAI-ARIA 1.2 pattern "combobox with list autocomplete": role=combobox on the box,
   aria-expanded, aria-controls naming a role=listbox popup, aria-activedescendant for the option in focus.
   Down/Up move through the options (and open the list), Enter picks the one in focus, Escape closes the list (or,
   when it is closed, clears the box), a click picks too. The suggestions come from /suggest/<kind>/?q= (at most
   ten published records), one request per pause in typing, and only the latest answer is shown; a live region
   reads out how many there are. A picked record is sent as its slug, so the address is the stable one at once; without
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
    // Read out when suggestions arrive (how many, how to choose; or that none fit), in the words the server sends.
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.appendChild(status);

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

    // Forget the suggestions asked for and not yet shown: a response that arrives after a later keystroke, a pick,
    // Escape or leaving the box must not redraw or reopen the list.
    function cancel() {
      window.clearTimeout(timer);
      request++;
    }

    function pick(i) {
      var option = options[i];
      cancel();
      picked = { value: option.dataset.value, label: option.textContent };
      input.value = option.textContent;
      status.textContent = "";
      open(false);
    }

    function show(results, message) {
      list.textContent = "";
      status.textContent = message && document.activeElement === input ? message : "";
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
      var mine = request;
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (mine === request) { show(data.results || [], data.status); } })
        .catch(function () { if (mine === request) { show([]); } });
    }

    // One request per pause in typing, none for an empty box (its list just closes).
    input.addEventListener("input", function () {
      picked = null;
      cancel();
      focus(-1);  // typing puts the reader back in the box
      if (input.value.trim()) {
        timer = window.setTimeout(fetchSuggestions, DELAY);
      } else {
        show([]);
      }
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
      } else if (event.key === "ArrowLeft" || event.key === "ArrowRight" || event.key === "Home" || event.key === "End") {
        focus(-1);  // the editing keys move the cursor in the box, and the pointer goes back to it
      } else if (event.key === "Escape") {
        cancel();
        if (expanded) {
          event.preventDefault();
          open(false);
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          picked = null;
          show([]);
        }
      }
    });

    input.addEventListener("blur", function () { cancel(); open(false); });

    // A picked record is sent by its slug; anything else typed is sent as it is, for the server to resolve.
    if (input.form) {
      input.form.addEventListener("submit", function () {
        if (picked && input.value === picked.label) { input.value = picked.value; }
      }, true);
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), setUp);
})();
