import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatReport, formatRows, median, tableRows, type Results } from './report.js';
import { formatNumber, formatTable, percentile, Samples, summarize } from './stats.js';
import type { Measured } from './scenarios.js';
import { settingsFrom } from './settings.js';

test('percentiles use the nearest rank, so p99 of 100 values is the 99th and max is the largest', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(values, 50), 50);
  assert.equal(percentile(values, 99), 99);
  assert.equal(percentile(values, 100), 100);
  assert.equal(percentile(values, 0), 1);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
  // With fewer than 100 values, p99 is the largest: one slow request is not averaged away.
  assert.equal(percentile([1, 1, 1, 1, 1, 1, 1, 1, 1, 50], 99), 50);
});

test('summaries sort their input and report count, mean, percentiles and max', () => {
  const s = summarize([5, 1, 4, 2, 3]);
  assert.deepEqual({ ...s }, { count: 5, mean: 3, p50: 3, p90: 5, p99: 5, max: 5 });
  assert.equal(summarize([]).count, 0);
});

test('Samples grows past its first buffer without losing values', () => {
  const s = new Samples();
  for (let i = 0; i < 5000; i++) s.add(i);
  assert.equal(s.length, 5000);
  assert.equal(s.values()[4999], 4999);
  assert.equal(summarize(s.values()).max, 4999);
});

test('numbers print with thousands separators and fewer decimals as they grow', () => {
  assert.equal(formatNumber(12345.6), '12,346');
  assert.equal(formatNumber(42.26), '42.3');
  assert.equal(formatNumber(0.456), '0.46');
  assert.equal(formatNumber(Number.NaN), '-');
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.deepEqual([10_000, 100_000, 1_000_000, 2_500_000, 999].map(formatRows), ['10k', '100k', '1M', '2.5M', '999']);
});

test('tables pad every column to its widest cell and align numbers right', () => {
  const t = formatTable(
    ['name', 'value'],
    [
      ['a', '1'],
      ['longer', '1,000'],
    ],
    ['left', 'right'],
  );
  assert.equal(t, ['name    value', '------  -----', 'a           1', 'longer  1,000'].join('\n'));
});

function measured(rate: number, p99 = 2): Measured {
  return {
    completed: 100,
    warmupCompleted: 0,
    elapsedMs: 1000,
    rate,
    statuses: { 200: 100 },
    latency: { count: 100, mean: 1, p50: 1, p90: 1.5, p99, max: p99 * 2 },
    generator: { elu: 0.25, cpu: 0.3 },
    exhausted: false,
    signing: { count: 100, ms: 50 },
    serverCpuUsPerRequest: 1e6 / rate,
  };
}

test('the report checks the targets and ends with the signed-get-cpu/limit ratio line', () => {
  const results: Results = {
    startedAt: '2026-01-01T00:00:00.000Z',
    seconds: 60,
    machine: {
      cores: 2,
      cpuModel: 'Test CPU',
      node: 'v20.0.0',
      platform: 'linux x64',
      totalMemoryBytes: 8 * 1024 ** 3,
      loadAverageAtStart: [0.1, 0.2, 0.3],
    },
    settings: settingsFrom(['--quick']),
    baselines: {
      bareHttp: measured(10_000),
      bareHttpBodyBytes: 2000,
      rsaVerify: { perSecond: 20_000, cpuUsPerOp: 50 },
      sqliteWrites: { perSecond: 15_000, cpuUsPerOp: 60 },
    },
    dialects: [
      {
        dialect: 'sqlite',
        startupMs: [400, 300, 500],
        createMax: measured(2000),
        createLatency: measured(1000, 12),
        getMax: measured(6000),
        getLatency: measured(3000),
        checkouts: { started: 10, completed: 10, elapsedMs: 100, perSecond: 100, phases: [] },
        peakRssBytes: 150 * 1024 * 1024,
        scale: [
          { rows: 10_000, seedMs: 10, startupMs: 300, get: measured(6000), create: measured(2000), peakRssBytes: null },
          {
            rows: 1_000_000,
            seedMs: 10,
            startupMs: 300,
            get: measured(5000),
            create: measured(1990),
            peakRssBytes: null,
          },
        ],
      },
      {
        dialect: 'postgres',
        startupMs: [400],
        createMax: measured(1000),
        createLatency: measured(500),
        getMax: measured(3000),
        getLatency: measured(1500),
        checkouts: { started: 10, completed: 10, elapsedMs: 100, perSecond: 100, phases: [] },
        peakRssBytes: null,
        scale: [],
        roundTrips: {
          operations: [
            { name: 'Get Checkout Session', perRequest: 2, writes: false },
            { name: 'create', perRequest: 3, writes: true },
            { name: 'capture', perRequest: 5, writes: true },
          ],
        },
      },
    ],
    runtimes: [
      { runtime: 'compiled', startupMs: [250, 280, 320], startupCpuMs: [150, 160, 170], idleRssBytes: [79 * 2 ** 20] },
      { runtime: 'tsx', startupMs: [650], startupCpuMs: [900], idleRssBytes: [130 * 2 ** 20] },
    ],
    notes: [],
  };
  const rows = tableRows(results);
  const row = (prefix: string) => rows.find((r) => r[1]!.startsWith(prefix))!;
  assert.deepEqual(row('signed Get Checkout').slice(2, 7), ['6,000', 'req/s', 'bare http', '0.60', '>= 0.50 ok']);
  assert.equal(row('Create latency')[6], 'p99 < 10 MISS');
  assert.equal(row('signed Get, 1M')[6], '>= 0.90 MISS');
  assert.equal(row('signed Create, 1M')[6], '>= 0.90 ok');
  assert.equal(row('server peak')[6], '< 200 ok');
  assert.equal(row('start-up, reji serve')[2], '400');
  // Limits: bare 100 µs + verify 50 µs = 150 µs; Get 166.7 µs; Create 500 µs against 150 + 60 µs.
  assert.equal(row('signed Get limit')[2], '150');
  assert.deepEqual(row('  Get CPU vs').slice(5, 7), ['1.11', '<= 2.00 ok']);
  assert.deepEqual(row('  Create CPU vs').slice(5, 7), ['2.38', '<= 2.00 MISS']);
  assert.deepEqual(row('start-up to /healthz, packaged').slice(2, 8), ['280', 'ms', '', '', '< 300 ok', '160 ms']);
  assert.equal(row('idle resident memory, packaged')[6], '< 80 ok');
  assert.equal(row('idle resident memory, reji from source')[6], '');
  assert.equal(row('  database round trips per Get')[6], '');
  assert.equal(row('  database round trips per create')[6], '<= 3 ok');
  assert.deepEqual(row('  database round trips per capture').slice(2, 7), ['5.00', 'round trips', '', '', '<= 3 MISS']);
  const lines = formatReport(results).split('\n');
  assert.equal(lines.at(-2), 'ratio signed-get/bare-http: 0.60');
  assert.equal(lines.at(-1), 'ratio signed-get-cpu/limit: 1.11');
  assert.match(lines[1]!, /2 cores \(Test CPU\).*Node v20\.0\.0/);
});
