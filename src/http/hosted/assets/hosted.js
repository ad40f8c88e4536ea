// reji hosted pages: progressive enhancement only (every page works without it).
(function () {
  'use strict';
  document.addEventListener('DOMContentLoaded', function () {
    // The processing page posts itself once, so the buyer sees progress while the payment runs.
    var auto = document.querySelector('form[data-autosubmit]');
    if (auto && !auto.dataset.sent) {
      auto.dataset.sent = '1';
      var button = auto.querySelector('button');
      if (button) button.setAttribute('aria-busy', 'true');
      setTimeout(function () {
        auto.submit();
      }, 300);
    }
    // One submission per form: no double payments from double clicks.
    Array.prototype.forEach.call(document.querySelectorAll('form'), function (form) {
      form.addEventListener('submit', function () {
        Array.prototype.forEach.call(form.querySelectorAll('button[type=submit]'), function (b) {
          setTimeout(function () {
            b.disabled = true;
          }, 0);
        });
      });
    });
  });
})();
