// Behaviour that templates ask for with data attributes, so no page needs an inline
// script or event handler (the Content-Security-Policy allows scripts from 'self' only).
(function () {
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });
  document.addEventListener("click", function (e) {
    var el = e.target && e.target.closest ? e.target.closest("[data-print]") : null;
    if (el) window.print();
  });
  // <form data-reset-after-request="#field">: after a successful htmx request, empty the
  // form and put the cursor back in the field (the check-in desk types code after code).
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.target && e.target.closest ? e.target.closest("form[data-reset-after-request]") : null;
    if (!form || !e.detail.successful) return;
    form.reset();
    var focus = form.querySelector(form.dataset.resetAfterRequest);
    if (focus) focus.focus();
  });
})();
