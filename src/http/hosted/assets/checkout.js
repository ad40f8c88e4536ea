/*
 * reji checkout.js: the Amazon Pay button script (renderButton, initCheckout, bindChangeAction, signout),
 * served by reji. It runs on the merchant's page and talks to the reji that served it.
 */
(function () {
  'use strict';
  var LABELS = /*REJI_LABELS*/ {};
  var script = document.currentScript;
  var BASE = script && script.src ? new URL(script.src).origin : '';
  var PREFIX = '[reji checkout.js] ';
  var SIGNOUT_KEY = 'reji.signout';
  var COLORS = {
    Gold: { background: '#FFD814', border: '#FCD200', text: '#0F1111', hover: '#F7CA00' },
    LightGray: { background: '#E7E9EC', border: '#ADB1B8', text: '#0F1111', hover: '#D5D9D9' },
    DarkGray: { background: '#232F3E', border: '#131A22', text: '#FFFFFF', hover: '#37475A' },
  };
  var PRODUCT_TYPES = ['PayAndShip', 'PayOnly', 'SignIn', 'PayAndShipMultiAddress'];
  var BUY_NOW_HANDLERS = {
    initCheckout: 'onInitCheckout',
    shippingAddressSelection: 'onShippingAddressSelection',
    deliveryOptionSelection: 'onDeliveryOptionSelection',
    completeCheckout: 'onCompleteCheckout',
    cancel: 'onCancel',
  };

  function fail(message) {
    console.error(PREFIX + message);
    return new Error(message);
  }

  function labelFor(options) {
    var lang = LABELS[options.checkoutLanguage] ? options.checkoutLanguage : defaultLanguage(options.ledgerCurrency);
    var labels = LABELS[lang] || LABELS.en_US || { pay: 'Amazon Pay', signIn: 'Amazon' };
    return { text: options.productType === 'SignIn' ? labels.signIn : labels.pay, lang: lang.replace('_', '-') };
  }

  function defaultLanguage(currency) {
    return { JPY: 'ja_JP', EUR: 'de_DE', GBP: 'en_GB' }[currency] || 'en_US';
  }

  function configOf(options) {
    var c = options.productType === 'SignIn' ? options.signInConfig : options.createCheckoutSessionConfig;
    return c || {};
  }

  function checkOptions(options) {
    if (!options || typeof options !== 'object') throw fail('renderButton/initCheckout need an options object.');
    if (!options.merchantId) throw fail('merchantId is required.');
    if (options.productType && PRODUCT_TYPES.indexOf(options.productType) === -1) {
      throw fail('productType "' + options.productType + '" is not supported; use PayAndShip, PayOnly or SignIn.');
    }
    if (isBuyNow(options)) {
      ['onCompleteCheckout', 'onCancel'].forEach(function (name) {
        if (typeof options[name] !== 'function') throw fail('Buy Now (onInitCheckout) also needs ' + name + '.');
      });
      if (options.productType === 'SignIn' || options.productType === 'PayAndShipMultiAddress') {
        throw fail('Buy Now (onInitCheckout) works with productType PayAndShip or PayOnly.');
      }
    }
    var config = configOf(options);
    var name = options.productType === 'SignIn' ? 'signInConfig' : 'createCheckoutSessionConfig';
    if (!config.payloadJSON || !config.signature || !(config.publicKeyId || options.publicKeyId)) {
      throw fail(name + ' needs payloadJSON, signature and publicKeyId.');
    }
    if (typeof config.payloadJSON !== 'string')
      throw fail(name + '.payloadJSON must be the exact JSON string that was signed.');
  }

  // Buy Now: the button has event handlers; the buyer checks out on reji's sheet in a popup.
  function isBuyNow(options) {
    return typeof options.onInitCheckout === 'function';
  }

  function fieldsOf(options) {
    var config = configOf(options);
    var fields = {
      buyNow: isBuyNow(options) ? 'true' : '',
      merchantId: options.merchantId,
      ledgerCurrency: options.ledgerCurrency || '',
      checkoutLanguage: options.checkoutLanguage || '',
      productType: options.productType || 'PayAndShip',
      placement: options.placement || '',
      sandbox: options.sandbox === undefined ? '' : String(!!options.sandbox),
      estimatedOrderAmount: options.estimatedOrderAmount ? JSON.stringify(options.estimatedOrderAmount) : '',
      payloadJSON: config.payloadJSON,
      signature: config.signature,
      publicKeyId: config.publicKeyId || options.publicKeyId,
      algorithm: config.algorithm || '',
      startedFrom: location.href,
    };
    try {
      if (localStorage.getItem(SIGNOUT_KEY)) {
        fields.signout = '1';
        localStorage.removeItem(SIGNOUT_KEY);
      }
    } catch (e) {
      /* storage may be blocked */
    }
    return fields;
  }

  // A top-level form POST: no CORS, no third-party cookies; reji verifies and shows the next page.
  function submit(fields, target) {
    var form = document.createElement('form');
    form.method = 'POST';
    form.action = BASE + '/checkout/start';
    if (target) form.target = target;
    form.acceptCharset = 'UTF-8';
    form.style.display = 'none';
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = fields[name];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  // Asks reji first so that a bad signature also shows up in the developer console, then goes on.
  // The sheet (reji's origin, in the popup) asks for the cart and tells about the order; the handlers answer.
  function listen(options, popup) {
    function onMessage(e) {
      if (e.origin !== BASE || e.source !== popup || !e.data || e.data.rejiBuyNow !== 1) return;
      var type = e.data.type;
      var handler = options[BUY_NOW_HANDLERS[type]];
      function answer(reply) {
        reply.rejiBuyNowAnswer = 1;
        reply.requestId = e.data.requestId;
        if (!popup.closed) popup.postMessage(reply, BASE);
      }
      function finish() {
        window.removeEventListener('message', onMessage);
        if (!popup.closed) popup.close();
      }
      if (typeof handler !== 'function') return answer({ unhandled: true });
      var result;
      try {
        result = Promise.resolve(handler(e.data.event || {}));
      } catch (error) {
        result = Promise.reject(error);
      }
      result.then(
        function (value) {
          if (type === 'completeCheckout' || type === 'cancel') return finish();
          answer({ value: value });
        },
        function (error) {
          console.error(PREFIX + BUY_NOW_HANDLERS[type] + ' failed:', error);
          if (type === 'completeCheckout' || type === 'cancel') return finish();
          answer({ failed: true });
        },
      );
    }
    window.addEventListener('message', onMessage);
  }

  function start(options) {
    checkOptions(options);
    var fields = fieldsOf(options);
    var target = null;
    if (isBuyNow(options)) {
      // Opened while the click still counts as the buyer's, so that no popup blocker stops it.
      target = 'reji-buynow-' + Math.random().toString(36).slice(2);
      var popup = window.open('', target, 'popup,width=480,height=760');
      if (!popup) throw fail('The Buy Now window was blocked by the browser.');
      listen(options, popup);
    }
    var done = false;
    function go() {
      if (done) return;
      done = true;
      submit(fields, target);
    }
    if (!window.fetch) return go();
    var timer = setTimeout(go, 3000);
    fetch(BASE + '/checkout/verify-payload', {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify(fields),
      credentials: 'omit',
      mode: 'cors',
    })
      .then(function (r) {
        return r.json();
      })
      .then(function (verdict) {
        if (verdict && verdict.ok === false) {
          console.error(PREFIX + 'reji refused the button payload (' + verdict.reasonCode + '): ' + verdict.message);
        }
      })
      .catch(function () {
        /* reji's own page will explain */
      })
      .then(function () {
        clearTimeout(timer);
        go();
      });
  }

  function styleButton(button, color, hover) {
    var c = COLORS[color] || COLORS.Gold;
    var s = button.style;
    s.display = 'flex';
    s.alignItems = 'center';
    s.justifyContent = 'center';
    s.boxSizing = 'border-box';
    s.width = '100%';
    s.minWidth = '150px';
    s.maxWidth = '750px';
    s.height = '45px';
    s.minHeight = '45px';
    s.padding = '0 16px';
    s.border = '1px solid ' + c.border;
    s.borderRadius = '8px';
    s.background = hover ? c.hover : c.background;
    s.color = c.text;
    s.font = 'bold 16px/1.2 "Amazon Ember", Arial, sans-serif';
    s.cursor = 'pointer';
    s.outlineOffset = '2px';
  }

  function renderButton(selector, options) {
    checkOptions(options);
    var container = typeof selector === 'string' ? document.querySelector(selector) : selector;
    if (!container) throw fail('renderButton: no element matches "' + selector + '".');
    var label = labelFor(options);
    var color = COLORS[options.buttonColor] ? options.buttonColor : 'Gold';
    if (options.buttonColor && !COLORS[options.buttonColor])
      console.warn(PREFIX + 'buttonColor "' + options.buttonColor + '" is not supported; using Gold.');
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'reji-pay-button reji-pay-button-' + color;
    button.setAttribute('lang', label.lang);
    button.setAttribute('aria-label', label.text);
    button.setAttribute('data-product-type', options.productType || 'PayAndShip');
    var logo = document.createElement('span');
    logo.setAttribute('aria-hidden', 'true');
    logo.textContent = label.text;
    button.appendChild(logo);
    styleButton(button, color, false);
    button.addEventListener('mouseenter', function () {
      styleButton(button, color, true);
    });
    button.addEventListener('mouseleave', function () {
      styleButton(button, color, false);
    });
    var clickHandler = null;
    button.addEventListener('click', function (event) {
      event.preventDefault();
      if (clickHandler) clickHandler(event);
      else start(options);
    });
    while (container.firstChild) container.removeChild(container.firstChild);
    container.appendChild(button);
    return {
      onClick: function (callback) {
        if (typeof callback !== 'function') throw fail('onClick needs a function.');
        clickHandler = callback;
      },
      element: button,
    };
  }

  function initCheckout(options) {
    if (options && options.checkoutSessionId && !configOf(options).payloadJSON) {
      location.href =
        BASE + '/checkout/select?amazonCheckoutSessionId=' + encodeURIComponent(options.checkoutSessionId);
      return;
    }
    start(options);
  }

  function bindChangeAction(selector, options) {
    if (!options || !options.amazonCheckoutSessionId) throw fail('bindChangeAction needs amazonCheckoutSessionId.');
    if (options.changeAction !== 'changeAddress' && options.changeAction !== 'changePayment') {
      throw fail('changeAction must be changeAddress or changePayment.');
    }
    var elements = typeof selector === 'string' ? document.querySelectorAll(selector) : [selector];
    if (!elements.length) throw fail('bindChangeAction: no element matches "' + selector + '".');
    var target =
      BASE +
      '/checkout/change?amazonCheckoutSessionId=' +
      encodeURIComponent(options.amazonCheckoutSessionId) +
      '&action=' +
      options.changeAction;
    Array.prototype.forEach.call(elements, function (element) {
      element.addEventListener('click', function (event) {
        event.preventDefault();
        location.href = target;
      });
    });
  }

  // The reji session cookie is HttpOnly on reji's origin; the next checkout from this browser starts signed out.
  function signout() {
    try {
      localStorage.setItem(SIGNOUT_KEY, '1');
    } catch (e) {
      /* storage may be blocked */
    }
  }

  window.amazon = window.amazon || {};
  window.amazon.Pay = {
    renderButton: renderButton,
    initCheckout: initCheckout,
    bindChangeAction: bindChangeAction,
    signout: signout,
  };
})();
