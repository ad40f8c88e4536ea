import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Request/reply over a child process's IPC channel: the bench's children are small RPC servers. */

const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: string;
}

export interface RpcChild {
  readonly pid: number;
  readonly process: ChildProcess;
  call<T>(type: string, payload?: unknown): Promise<T>;
  /** Disconnects and waits for the exit. */
  stop(): Promise<void>;
}

/** Starts `node bin/run-ts.js <entry> ...args` with an IPC channel. */
export function spawnRpcChild(
  entry: string,
  args: readonly string[] = [],
  options: { nodeArgs?: readonly string[]; env?: NodeJS.ProcessEnv } = {},
): RpcChild {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), RUN_TS, entry, ...args], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: options.env ?? process.env,
  });
  let next = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('message', (message: Reply) => {
    const w = waiting.get(message.id);
    if (!w) return;
    waiting.delete(message.id);
    if (message.ok) w.resolve(message.result);
    else w.reject(new Error(message.error));
  });
  child.once('exit', (code, signal) => {
    for (const w of waiting.values()) w.reject(new Error(`${entry} exited (${code ?? signal}) before answering`));
    waiting.clear();
  });
  return {
    pid: child.pid!,
    process: child,
    call<T>(type: string, payload?: unknown): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, type, payload });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        if (child.connected) child.disconnect();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

export type Handlers = Record<string, (payload: any) => Promise<unknown> | unknown>;

/** The child side: answers calls with the handler of their type; exits when the parent disconnects. */
export function serveRpc(handlers: Handlers): void {
  process.on('message', (message: { id: number; type: string; payload: unknown }) => {
    const handler = handlers[message.type];
    void (async () => {
      try {
        if (!handler) throw new Error(`unknown call ${message.type}`);
        const result = await handler(message.payload);
        process.send!({ id: message.id, ok: true, result });
      } catch (error) {
        process.send!({
          id: message.id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      }
    })();
  });
  process.on('disconnect', () => process.exit(0));
}
