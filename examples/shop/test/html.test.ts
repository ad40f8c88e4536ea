// The shop's template escapes by default, and both languages have every string.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { html, jsonScript, raw } from '../src/html.js';
import { MESSAGES } from '../src/i18n.js';
import { addressBlock, type ViewContext } from '../src/views.js';

describe('shop html', () => {
  test('values are escaped unless the shop marked them as markup', () => {
    const name = '<script>alert("x")</script> & \'you\'';
    assert.equal(
      html`<p title="${name}">${name}</p>`.value,
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;you&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;you&#39;</p>',
    );
    assert.equal(html`<p>${raw('<b>ok</b>')}${html`<i>${'<'}</i>`}</p>`.value, '<p><b>ok</b><i>&lt;</i></p>');
    assert.equal(html`${['<a>', 1, null, undefined, false]}`.value, '&lt;a&gt;1');
  });

  test('JSON in a script block cannot close it', () => {
    const text = jsonScript({ payloadJSON: '</script><script>alert(1)</script>', x: '&\u2028' }).value;
    assert.ok(!text.includes('</script>') && !text.includes('<') && !text.includes('&'));
    assert.deepEqual(JSON.parse(text), { payloadJSON: '</script><script>alert(1)</script>', x: '&\u2028' });
  });

  test('an address from outside is shown escaped, in Japanese order', () => {
    const v = { lang: 'ja', t: MESSAGES.ja } as ViewContext;
    const out = addressBlock(v, {
      name: '山田 <b>太郎</b>',
      postalCode: '150-0001',
      stateOrRegion: '東京都',
      city: null,
      addressLine1: '渋谷区神宮前1-2-3',
      addressLine2: '"><img src=x onerror=alert(1)>',
      addressLine3: null,
      countryCode: 'JP',
      phoneNumber: '090-1234-5678',
    }).value;
    assert.ok(!out.includes('<b>') && !out.includes('<img'));
    assert.ok(out.indexOf('〒150-0001') < out.indexOf('東京都 渋谷区神宮前1-2-3'));
  });

  test('Japanese and English tables have the same keys and kinds', () => {
    const ja = MESSAGES.ja as unknown as Record<string, unknown>;
    const en = MESSAGES.en as unknown as Record<string, unknown>;
    assert.deepEqual(Object.keys(en).sort(), Object.keys(ja).sort());
    for (const key of Object.keys(ja)) assert.equal(typeof en[key], typeof ja[key], key);
  });
});
