// reji console: the request log's live tail (progressive enhancement; the pages work without it).
(() => {
  const table = document.querySelector('table[data-tail]');
  if (!table || !window.fetch) return;
  const body = table.tBodies[0];
  const badge = document.querySelector('.live-badge');
  let after = 0;
  for (const row of body.rows) after = Math.max(after, Number(row.dataset.seq || 0));
  const cell = (text, cls) => {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  };
  const rowOf = (e) => {
    const tr = document.createElement('tr');
    tr.dataset.seq = String(e.seq);
    tr.className = `fresh${e.status >= 400 ? ' failed' : ''}`;
    tr.append(cell(e.at));
    const op = document.createElement('td');
    const a = document.createElement('a');
    a.href = `/console/requests/${e.seq}`;
    a.textContent = e.operation;
    op.append(a);
    tr.append(op, cell(`${e.method} ${e.path}`, 'mono'), cell(String(e.status)), cell(e.reasonCode || ''));
    tr.append(cell(`${e.latencyMs} ms`), cell(e.merchantId));
    return tr;
  };
  const poll = async () => {
    try {
      const u = new URL(table.dataset.tail, location.href);
      u.searchParams.set('after', String(after));
      const r = await fetch(u, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (r.ok) {
        const { entries } = await r.json();
        for (const e of entries.reverse()) {
          body.prepend(rowOf(e));
          after = Math.max(after, e.seq);
        }
        while (body.rows.length > 500) body.deleteRow(-1);
        if (badge) badge.hidden = false;
        table.dataset.live = 'true';
      }
    } catch {}
    setTimeout(poll, document.hidden ? 5000 : 1000);
  };
  poll();
})();
