/* Makes the admin's autocomplete boxes (select2) accessible: each box gets the name of the field it stands for,
   so that screen readers announce "Person" rather than nothing, and its markup is kept a valid list. Select2
   builds its boxes after the page loads, whenever an inline row is added and whenever a choice changes, so this
   runs again on every change to the page. */
'use strict';
{
    function fieldName(select) {
        const label = select.id && document.querySelector(`label[for="${select.id}"]`);
        const text = label ? label.textContent : select.getAttribute('aria-label') || '';
        return text.replace(/:\s*$/, '').trim();
    }

    function nameBox(container) {
        const select = container.previousElementSibling;
        if (!select || select.tagName !== 'SELECT' || container.dataset.named) {
            return;
        }
        container.dataset.named = 'true';
        const name = document.createElement('span');
        name.id = `${select.id}-box-name`;
        name.hidden = true;
        name.textContent = fieldName(select);
        container.append(name);
        // The chosen value is shown in a read-only "textbox" with no name of its own; as plain text it becomes part
        // of the box's name instead ("Person, Anar Karimov").
        container.querySelectorAll('.select2-selection__rendered[role="textbox"]').forEach((element) => {
            element.removeAttribute('role');
            element.removeAttribute('aria-readonly');
        });
        container.querySelectorAll('[role="combobox"], .select2-search__field').forEach((element) => {
            const labelledBy = element.getAttribute('aria-labelledby');
            element.setAttribute('aria-labelledby', labelledBy ? `${name.id} ${labelledBy}` : name.id);
        });
    }

    function nameAll(root) {
        root.querySelectorAll('.select2-container').forEach(nameBox);
        // Select2 puts its "remove all" button inside the list of choices, where only list items belong; its
        // click handler is delegated from the box, so the button still works beside the list.
        root.querySelectorAll('.select2-selection__rendered > .select2-selection__clear').forEach((button) => {
            button.parentElement.after(button);
        });
    }

    document.addEventListener('DOMContentLoaded', () => {
        nameAll(document);
        new MutationObserver(() => nameAll(document)).observe(document.body, {childList: true, subtree: true});
    });
}
