import type { IpnAttempt, NotificationRecord, RequestLogEntry } from '../../app/console.js';
import type { Instant } from '../../domain/time.js';
import type { ConsoleObject, ConsoleObjectKind } from './object-kinds.js';

/** One line of an object's timeline; times are the object's clock (the merchant's sandbox clock in the Sandbox). */
export interface TimelineEvent {
  readonly at: Instant;
  readonly type: 'created' | 'call' | 'state' | 'notification' | 'attempt';
  readonly title: string;
  readonly detail: string;
  readonly href?: string;
  readonly failed?: boolean;
}

function stateOf(body: string | null, kind: ConsoleObjectKind, id: string): { state: string; at: string } | undefined {
  if (body?.[0] !== '{') return undefined;
  try {
    const value = JSON.parse(body) as Record<string, unknown>;
    // The answer is about this object only when its own id comes first (a refund names its charge too).
    if (Object.keys(value)[0] !== kind.idField || value[kind.idField] !== id) return undefined;
    const details = value['statusDetails'] as { state?: unknown; lastUpdatedTimestamp?: unknown } | undefined;
    return typeof details?.state === 'string'
      ? { state: details.state, at: String(details.lastUpdatedTimestamp ?? '') }
      : undefined;
  } catch {
    return undefined;
  }
}

/** `20260127T101010Z` to milliseconds. */
function wireTime(text: string): Instant | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined;
}

/**
 * API calls that touched the object, the state each answer showed (a change of state becomes its own line),
 * the state it has now when a timer moved it since, and its notifications with every delivery attempt.
 */
export function buildTimeline(
  kind: ConsoleObjectKind,
  object: ConsoleObject,
  calls: readonly RequestLogEntry[],
  notifications: readonly NotificationRecord[],
  attempts: readonly IpnAttempt[],
): TimelineEvent[] {
  const events: TimelineEvent[] = [{ at: object.createdAt, type: 'created', title: kind.label, detail: object.id }];
  let last: string | undefined;
  for (const call of [...calls].sort((a, b) => a.seq - b.seq)) {
    const at = call.detail.clockAt ?? call.at;
    events.push({
      at,
      type: 'call',
      title: `${call.operation} ${call.status}`,
      detail: `${call.method} ${call.path}${call.reasonCode ? ` — ${call.reasonCode}` : ''}`,
      href: `/console/requests/${call.seq}`,
      failed: call.status >= 400,
    });
    const seen = call.status < 400 ? stateOf(call.detail.responseBody, kind, object.id) : undefined;
    if (seen && seen.state !== last) {
      events.push({ at: at + 0.5, type: 'state', title: seen.state, detail: `${call.operation}` });
      last = seen.state;
    }
  }
  const wire = object.wire as { statusDetails?: { state?: string; lastUpdatedTimestamp?: string } };
  const now = wire.statusDetails?.state;
  if (now !== undefined && now !== last) {
    // The wire time has whole seconds: never before the object's creation.
    const at = Math.max(wireTime(wire.statusDetails?.lastUpdatedTimestamp ?? '') ?? 0, object.createdAt);
    events.push({ at, type: 'state', title: now, detail: last === undefined ? '' : `${last} → ${now}` });
  }
  for (const n of notifications) {
    events.push({
      at: n.createdAt,
      type: 'notification',
      title: `${n.notificationType} (${n.status})`,
      detail: n.notificationId,
    });
  }
  for (const a of attempts) {
    events.push({
      at: a.attemptedAt,
      type: 'attempt',
      title: `#${a.attempt} ${a.outcome}${a.statusCode !== null ? ` ${a.statusCode}` : ''}`,
      detail: `${a.url ?? '-'}${a.error ? ` — ${a.error}` : ''} (${a.latencyMs} ms)`,
      failed: a.outcome !== 'delivered',
    });
  }
  // Stable: at the same moment, creation, then calls and the states they showed, then notifications.
  return events.sort((a, b) => a.at - b.at);
}
