/* Ask before leaving an admin change form whose fields were edited but not saved.
   Loaded through the model admins' Media (no inline script, so a strict Content-Security-Policy allows it).
   The form is compared with a snapshot taken once the page has loaded, so whatever changed it counts:
   typing, an autocomplete choice, a dragged row, an added or deleted inline row, a chosen file. */
"use strict";
(function () {
    function changeForm() {
        // Django names the change form "<model>_form"; the change list's form is "changelist-form".
        return document.querySelector('#content-main form[method="post"][id$="_form"]');
    }

    function snapshot(form) {
        const entries = [];
        for (const [name, value] of new FormData(form)) {
            if (name === "csrfmiddlewaretoken") {
                continue;
            }
            entries.push([name, typeof value === "string" ? value : `${value.name}:${value.size}`]);
        }
        return JSON.stringify(entries);
    }

    window.addEventListener("load", function () {
        const form = changeForm();
        if (!form) {
            return;
        }
        const saved = snapshot(form);
        let submitting = false;
        form.addEventListener("submit", function () {
            submitting = true;
        });
        window.addEventListener("beforeunload", function (event) {
            if (!submitting && snapshot(form) !== saved) {
                event.preventDefault();
                event.returnValue = ""; // older browsers need it to show the dialog
            }
        });
    });
})();
