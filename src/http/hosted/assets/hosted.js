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
    buyNowSheet();
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

  // The Buy Now sheet talks to the merchant's page that opened it (checkout.js there runs the handlers).
  function buyNowSheet() {
    var el = document.getElementById('buynow');
    if (!el) return;
    var origin = el.getAttribute('data-origin');
    var sessionId = el.getAttribute('data-session-id');
    var pending = el.getAttribute('data-event');
    var event = JSON.parse(el.getAttribute('data-event-json') || '{}');
    var cart = JSON.parse(el.getAttribute('data-cart-json') || 'null');
    var csrf = document.querySelector('input[name=_csrf]');
    var opener = window.opener;
    var counter = 0;
    var waiting = {};

    function show(id) {
      var box = document.getElementById(id);
      if (box) box.hidden = false;
      var status = document.getElementById('buynow-waiting');
      if (status) status.removeAttribute('aria-busy');
    }
    function ask(type, payload, done) {
      if (!opener || opener.closed || !origin) return show('buynow-no-opener');
      var requestId = 'r' + ++counter;
      if (done) waiting[requestId] = done;
      opener.postMessage(
        { rejiBuyNow: 1, type: type, requestId: requestId, checkoutSessionId: sessionId, event: payload },
        origin,
      );
    }
    window.addEventListener('message', function (e) {
      if (e.origin !== origin || !e.data || e.data.rejiBuyNowAnswer !== 1) return;
      var done = waiting[e.data.requestId];
      delete waiting[e.data.requestId];
      if (done) done(e.data);
    });
    // A handler's cart goes to reji, which checks it; then the page shows it.
    function saveCart(result, deliveryOptionId) {
      if (!result || result.status === 'error' || result.failed) return show('buynow-error');
      var answer = result.unhandled ? cart : result.value;
      if (!answer) return show('buynow-error');
      var body = new URLSearchParams();
      body.set('_csrf', csrf ? csrf.value : '');
      body.set('amazonCheckoutSessionId', sessionId);
      body.set('cartDetails', JSON.stringify(answer));
      if (deliveryOptionId) body.set('deliveryOptionId', deliveryOptionId);
      fetch('/checkout/buynow/cart', { method: 'POST', body: body, credentials: 'same-origin' })
        .then(function (r) {
          if (!r.ok) throw new Error('refused');
          location.reload();
        })
        .catch(function () {
          show('buynow-error');
        });
    }
    if (pending === 'initCheckout' || pending === 'shippingAddressSelection') {
      ask(pending, event, function (result) {
        saveCart(result);
      });
    } else if (pending === 'completeCheckout' || pending === 'cancel') {
      ask(pending, event, null);
    }
    Array.prototype.forEach.call(document.querySelectorAll('input[name=deliveryOptionId]'), function (input) {
      input.addEventListener('change', function () {
        var options = (cart && cart.deliveryOptions) || [];
        var chosen = options.filter(function (o) {
          return o.id === input.value;
        })[0];
        ask('deliveryOptionSelection', { deliveryOption: chosen }, function (result) {
          saveCart(result, input.value);
        });
      });
    });
  }
})();
