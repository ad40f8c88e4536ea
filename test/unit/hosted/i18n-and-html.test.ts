import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addressFromEntry } from '../../../src/domain/address-entry.js';
import { money } from '../../../src/domain/money.js';
import { CHECKOUT_LANGUAGES } from '../../../src/domain/regions.js';
import { cardFromEntry } from '../../../src/domain/wallet.js';
import { html, raw } from '../../../src/http/html.js';
import { formatPrice, MESSAGES } from '../../../src/http/hosted/i18n.js';

describe('hosted pages: translations, prices, escaping, entry checks', () => {
  test('every message key exists, non-empty, in all seven checkout languages, with the same placeholders', () => {
    const keys = Object.keys(MESSAGES.en_US).sort();
    assert.equal(CHECKOUT_LANGUAGES.length, 7);
    for (const lang of CHECKOUT_LANGUAGES) {
      assert.deepEqual(Object.keys(MESSAGES[lang]).sort(), keys, lang);
      for (const key of keys) {
        const text = MESSAGES[lang][key as keyof typeof MESSAGES.en_US];
        assert.ok(text.trim().length > 0, `${lang}.${key} is empty`);
        const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
        assert.deepEqual(
          placeholders(text),
          placeholders(MESSAGES.en_US[key as keyof typeof MESSAGES.en_US]),
          `${lang}.${key}`,
        );
      }
    }
    assert.equal(MESSAGES.ja_JP.payWithAmazon, 'Amazon Payでお支払い');
  });

  test('prices follow the currency and the locale (JPY without decimals)', () => {
    assert.equal(formatPrice(money(1980, 'JPY'), 'ja_JP'), '￥1,980');
    assert.equal(formatPrice(money(1500, 'USD'), 'en_US'), '$15.00');
    assert.equal(formatPrice(money(1500, 'EUR'), 'de_DE'), '15,00\u00a0€');
    assert.equal(formatPrice(money(1500, 'GBP'), 'en_GB'), '£15.00');
  });

  test('html escapes every interpolation unless raw', () => {
    const name = `<script>alert("x")</script>'&`;
    assert.equal(
      html`<p title="${name}">${name}</p>`.value,
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;</p>',
    );
    assert.equal(
      html`${[html`<b>${'<i>'}</b>`, '<u>']}${raw('<br>')}${null}${false}`.value,
      '<b>&lt;i&gt;</b>&lt;u&gt;<br>',
    );
  });

  test('Japanese addresses: 〒 postal code normalised, a real prefecture, no city', () => {
    const entry = {
      name: '山田 太郎',
      addressLine1: '千代田区千代田1-1',
      addressLine2: '',
      city: 'ignored',
      stateOrRegion: '東京都',
      postalCode: '１００ー０００１',
      countryCode: 'JP',
      phoneNumber: '090-1234-5678',
    };
    const r = addressFromEntry(entry, ['JP']);
    assert.ok(r.ok);
    assert.equal(r.address.postalCode, '100-0001');
    assert.equal(r.address.city, null);
    assert.equal(r.address.addressLine2, null);
    const bad = addressFromEntry({ ...entry, stateOrRegion: 'Tokyo', postalCode: '1000' }, ['JP']);
    assert.deepEqual(bad.ok ? null : bad.problems, {
      stateOrRegion: 'invalidPrefecture',
      postalCode: 'invalidPostalCode',
    });
    assert.equal(addressFromEntry({ ...entry, countryCode: 'US' }, ['JP']).ok, false);
  });

  test('cards: Luhn and expiry checked; only brand, last four and expiry kept; simulated cards keep their behaviour', () => {
    const now = { year: 2026, month: 6 };
    const ok = cardFromEntry({ number: '4111 1111 1111 1111', expiry: '07/29', holderName: 'Jane' }, now);
    assert.deepEqual(ok, {
      ok: true,
      card: { brand: 'Visa', last4: '1111', holderName: 'Jane', expiry: '07/29', behaviour: 'Succeeds' },
    });
    assert.deepEqual(cardFromEntry({ number: '4111 1111 1111 1112', expiry: '05/26', holderName: '' }, now), {
      ok: false,
      problems: { number: 'invalidNumber', expiry: 'expired', holderName: 'holderRequired' },
    });
    // A Luhn-valid Mastercard number ending in 3434, the sandbox card that is declined.
    const base = '555555555555343';
    let digits = '';
    for (let d = 0; d < 10; d++) {
      const candidate = `${base.slice(0, 11)}${d}3434`;
      if (cardFromEntry({ number: candidate, expiry: '01/30', holderName: 'x' }, now).ok) {
        digits = candidate;
        break;
      }
    }
    const declines = cardFromEntry({ number: digits, expiry: '01/30', holderName: 'x' }, now);
    assert.ok(declines.ok && declines.card.behaviour === 'Declines' && declines.card.brand === 'Mastercard');
  });
});
