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

  // 今すぐ購入: Amazon Pay Buy Now. The handlers ask the shop's server for the cart and, once the buyer placed
  // the order on the sheet, for Finalize Checkout Session; the order exists only if Finalize succeeded.
  var buyNowOptions = document.getElementById('amazon-pay-buynow-options');
  var buyNow = document.getElementById('AmazonPayBuyNow');
  if (buyNowOptions && buyNow) {
    if (!pay) {
      buyNow.textContent = buyNow.getAttribute('data-unavailable');
      buyNow.className += ' unavailable';
    } else {
      var message = document.getElementById('buynow-message');
      var post = function (path, fields) {
        var body = new URLSearchParams();
        body.set('_csrf', buyNow.getAttribute('data-csrf'));
        body.set('productId', buyNow.getAttribute('data-product-id'));
        var quantity = document.getElementById('quantity');
        body.set('quantity', quantity ? quantity.value : '1');
        Object.keys(fields).forEach(function (k) {
          if (fields[k] !== undefined && fields[k] !== null) body.set(k, fields[k]);
        });
        return fetch(path, { method: 'POST', body: body, credentials: 'same-origin' }).then(function (r) {
          return r.json();
        });
      };
      var address = {};
      var cartFor = function (deliveryOptionId) {
        return post('/buynow/cart', { countryCode: address.countryCode, deliveryOptionId: deliveryOptionId });
      };
      var say = function (text) {
        message.textContent = text;
        message.hidden = false;
      };
      var options = JSON.parse(buyNowOptions.textContent);
      options.onInitCheckout = function (event) {
        address = event.shippingAddress || {};
        return cartFor(null);
      };
      options.onShippingAddressSelection = function (event) {
        address = event.shippingAddress || {};
        return cartFor(null);
      };
      options.onDeliveryOptionSelection = function (event) {
        return cartFor(event.deliveryOption && event.deliveryOption.id);
      };
      options.onCompleteCheckout = function (event) {
        return post('/buynow/complete', { amazonCheckoutSessionId: event.amazonCheckoutSessionId }).then(function (r) {
          if (r.ok && r.redirect) location.href = r.redirect;
          else say(buyNow.getAttribute('data-failed'));
        });
      };
      options.onCancel = function () {
        say(buyNow.getAttribute('data-canceled'));
      };
      pay.renderButton('#AmazonPayBuyNow', options);
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
