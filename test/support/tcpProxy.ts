/**
 * A TCP proxy in front of one address (PostgreSQL, the fake Webex), for one bot process: it says
 * when that process last sent anything through it, and can cut what the process sends from then
 * on (it never arrives; what comes back still does), as a host whose network froze.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export class TcpProxy {
  /** When a client last sent bytes through (Date.now()), 0 before. */
  lastSent = 0;
  private cutOff = false;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(host: string, port: number): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => {
      const upstream = connect(port, host);
      proxy!.track(client);
      proxy!.track(upstream);
      client.on('data', (chunk: Buffer) => {
        proxy!.lastSent = Date.now();
        if (!proxy!.cutOff) upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => client.write(chunk));
      // Either side gone: the other goes too (a server sees the client's connection end).
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      for (const socket of [client, upstream]) {
        socket.on('close', end);
        socket.on('error', end);
      }
    });
    const listening = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
    proxy = new TcpProxy(server, listening);
    return proxy;
  }

  /** From now on nothing the clients send arrives; it is dropped with their connections. */
  cut(): void {
    this.cutOff = true;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}

/** `url` (an http:// or postgres:// URL) with its host and port replaced by the proxy's. */
export function throughProxy(url: string, proxy: TcpProxy): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(proxy.port);
  return parsed.toString();
}
