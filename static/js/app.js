// Behaviour shared by every page, as a file: the Content-Security-Policy allows no inline
// script, and htmx's hx-on attributes would need eval.
"use strict";
// <form data-reset-on-success>: cleared after htmx has sent it successfully.
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.detail.elt;
  if (form && form.matches && form.matches("form[data-reset-on-success]") && event.detail.successful) {
    form.reset();
  }
});
