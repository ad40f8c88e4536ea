// The demo shop's only script (CSP: no inline scripts). It renders the Amazon Pay button from the
// options the server signed, binds the "change" links, and keeps forms from being sent twice.
(function () {
  'use strict';
  var pay = window.amazon && window.amazon.Pay;

  var options = document.getElementById('amazon-pay-button-options');
  var container = document.getElementById('AmazonPayButton');
  if (options && container) {
    if (pay) {
      pay.renderButton('#AmazonPayButton', JSON.parse(options.textContent));
    } else {
      container.textContent = container.getAttribute('data-unavailable');
      container.className += ' unavailable';
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-change-action]'), function (link) {
    if (!pay) {
      link.hidden = true;
      return;
    }
    pay.bindChangeAction('#' + link.id, {
      amazonCheckoutSessionId: link.getAttribute('data-session-id'),
      changeAction: link.getAttribute('data-change-action'),
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll('form[data-once]'), function (form) {
    form.addEventListener('submit', function (event) {
      if (form.getAttribute('data-sent')) {
        event.preventDefault();
        return;
      }
      form.setAttribute('data-sent', '1');
      Array.prototype.forEach.call(form.querySelectorAll('button'), function (b) {
        b.setAttribute('aria-busy', 'true');
      });
    });
  });
})();
