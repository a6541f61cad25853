package io.labelledger.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A load generator for loopback benchmarks that costs the machine as little as possible, so that
 * the service under test gets the CPU: requests are complete HTTP/1.1 messages serialised before
 * the clock starts, sent over {@code connections} keep-alive connections from one thread with one
 * selector, each connection carrying one request at a time (no pipelining). A reply is read up to
 * its {@code Content-Length}; the status and body are kept for the caller to inspect afterwards.
 */
final class RawHttpLoad {
  /** What came back for each request, in request order; {@code status} 0 with {@code error} when none did. */
  record Result(int[] status, byte[][] body, double[] latencyMs, String[] error, double seconds) {}

  private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

  private RawHttpLoad() {}

  /** A request with {@code Content-Length}, ready to write. */
  static byte[] request(String method, String host, String path, String[] headers, byte[] body) {
    StringBuilder b = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
        .append("Host: ").append(host).append("\r\n");
    for (String h : headers) {
      b.append(h).append("\r\n");
    }
    b.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    byte[] head = b.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    return out;
  }

  private static final class Conn {
    final SocketChannel channel;
    ByteBuffer out;
    ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    int current = -1;
    long started;

    Conn(SocketChannel channel) {
      this.channel = channel;
    }
  }

  static Result run(InetSocketAddress address, byte[][] requests, int connections) throws IOException {
    int n = requests.length;
    int[] status = new int[n];
    byte[][] body = new byte[n][];
    double[] latency = new double[n];
    String[] error = new String[n];
    int next = 0;
    int done = 0;
    long start = System.nanoTime();
    try (Selector selector = Selector.open()) {
      for (int c = 0; c < Math.min(connections, n); c++) {
        Conn conn = open(selector, address);
        next = startNext(conn, requests, next, selector);
      }
      while (done < n) {
        selector.select();
        for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
          SelectionKey key = it.next();
          it.remove();
          Conn conn = (Conn) key.attachment();
          try {
            if (key.isValid() && key.isWritable()) {
              conn.channel.write(conn.out);
              if (!conn.out.hasRemaining()) {
                key.interestOps(SelectionKey.OP_READ);
              }
            }
            if (key.isValid() && key.isReadable()) {
              if (conn.in.remaining() == 0) {
                conn.in = ByteBuffer.allocate(conn.in.capacity() * 2).put(conn.in.flip());
              }
              int read = conn.channel.read(conn.in);
              if (read < 0) {
                throw new IOException("connection closed by the server");
              }
              int total = complete(conn.in);
              if (total > 0) {
                int i = conn.current;
                latency[i] = (System.nanoTime() - conn.started) / 1e6;
                parse(conn.in, total, i, status, body);
                conn.in.clear();
                done++;
                next = startNext(conn, requests, next, selector);
              }
            }
          } catch (IOException e) {
            int i = conn.current;
            key.cancel();
            conn.channel.close();
            if (i >= 0) {
              latency[i] = (System.nanoTime() - conn.started) / 1e6;
              error[i] = e.toString();
              done++;
            }
            if (next < n) {
              next = startNext(open(selector, address), requests, next, selector);
            }
          }
        }
      }
    }
    return new Result(status, body, latency, error, (System.nanoTime() - start) / 1e9);
  }

  private static Conn open(Selector selector, InetSocketAddress address) throws IOException {
    SocketChannel ch = SocketChannel.open(address);
    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
    ch.configureBlocking(false);
    Conn conn = new Conn(ch);
    ch.register(selector, 0, conn);
    return conn;
  }

  /** Puts the next request on {@code conn} (or closes it when none is left); returns the new next index. */
  private static int startNext(Conn conn, byte[][] requests, int next, Selector selector) throws IOException {
    SelectionKey key = conn.channel.keyFor(selector);
    if (next >= requests.length) {
      conn.current = -1;
      key.cancel();
      conn.channel.close();
      return next;
    }
    conn.current = next;
    conn.out = ByteBuffer.wrap(requests[next]);
    conn.started = System.nanoTime();
    conn.channel.write(conn.out);
    key.interestOps(conn.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    return next + 1;
  }

  /** The length of the complete reply at the start of {@code in} (position = bytes read), or 0 when incomplete. */
  private static int complete(ByteBuffer in) throws IOException {
    byte[] a = in.array();
    int len = in.position();
    int headerEnd = indexOf(a, len, HEADER_END);
    if (headerEnd < 0) {
      return 0;
    }
    String head = new String(a, 0, headerEnd, StandardCharsets.ISO_8859_1);
    int contentLength = 0;
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
        contentLength = Integer.parseInt(line.substring(colon + 1).trim());
      } else if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("transfer-encoding")) {
        throw new IOException("chunked replies are not supported by this load generator");
      }
    }
    int total = headerEnd + 4 + contentLength;
    return len >= total ? total : 0;
  }

  private static void parse(ByteBuffer in, int total, int i, int[] status, byte[][] body) {
    byte[] a = in.array();
    int headerEnd = indexOf(a, total, HEADER_END);
    // "HTTP/1.1 201 Created"
    status[i] = Integer.parseInt(new String(a, 9, 3, StandardCharsets.US_ASCII));
    body[i] = Arrays.copyOfRange(a, headerEnd + 4, total);
  }

  private static int indexOf(byte[] a, int len, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= len; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (a[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
