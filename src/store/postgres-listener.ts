import pg from 'pg';

/** The channel migration 0013's triggers notify when a merchant or a public key changes. */
export const CREDENTIALS_CHANNEL = 'reji_credentials';

export interface ChangeListener {
  /** Whether a change committed now would be heard: connected and listening. */
  listening(): boolean;
  close(): Promise<void>;
}

/**
 * A connection of its own that LISTENs on `channel` and calls `onChange` for each notification, and
 * also when it loses the connection (what happened meanwhile is unknown); it reconnects by itself.
 */
export function listenForChanges(
  connectionString: string,
  channel: string,
  onChange: () => void,
  options: { connectTimeoutMs: number; warn?: (message: string, fields: Record<string, unknown>) => void },
): ChangeListener {
  let listening = false;
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;

  const lost = (error?: Error) => {
    if (client === undefined) return;
    const dead = client;
    client = undefined;
    listening = false;
    onChange();
    dead.removeAllListeners('notification');
    dead.end().catch(() => {});
    if (closed) return;
    if (error && failures++ === 0) options.warn?.('change listener lost its connection', { error: error.message });
    retry = setTimeout(connect, Math.min(250 * 2 ** Math.min(failures, 5), 5_000));
    retry.unref();
  };

  const connect = () => {
    retry = undefined;
    if (closed) return;
    const c = new pg.Client({
      connectionString,
      connectionTimeoutMillis: options.connectTimeoutMs,
      keepAlive: true,
      fallback_application_name: 'reji-listener',
    });
    client = c;
    c.on('error', (error) => lost(error));
    c.on('end', () => lost());
    c.on('notification', (n) => {
      if (n.channel === channel) onChange();
    });
    c.connect()
      .then(() => c.query(`listen ${pg.escapeIdentifier(channel)}`))
      .then(() => {
        if (client !== c) return;
        failures = 0;
        listening = true;
      })
      .catch((error: Error) => {
        if (client === c) lost(error);
      });
  };

  connect();
  return {
    listening: () => listening,
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = undefined;
      listening = false;
      await c?.end().catch(() => {});
    },
  };
}
