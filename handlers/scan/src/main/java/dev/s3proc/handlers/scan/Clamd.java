package dev.s3proc.handlers.scan;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A client of clamd, ClamAV's daemon, over its socket protocol: {@code zINSTREAM} streams the
 * object in length-prefixed chunks (nothing on disk, nothing whole in memory), {@code zVERSION}
 * names the engine and the signature database. The address is {@code tcp://HOST:PORT} or {@code
 * unix:///PATH} (clamd's TCPSocket or LocalSocket).
 */
final class Clamd {
  /** What clamd said of a stream. */
  record Reply(Verdict verdict, String signature, String text) {}

  enum Verdict {
    CLEAN,
    INFECTED,
    /** clamd could not scan it all (past StreamMaxLength, or an error of its own). */
    UNSCANNABLE
  }

  private static final int CHUNK = 64 * 1024;

  private final URI address;
  private final Duration timeout;

  Clamd(String address, Duration timeout) {
    this.address = URI.create(address);
    this.timeout = timeout;
    if (!"tcp".equals(this.address.getScheme()) && !"unix".equals(this.address.getScheme())) {
      throw new IllegalArgumentException(
          "CLAMD_ADDRESS " + address + " is not tcp://HOST:PORT or unix:///PATH");
    }
  }

  /** Streams {@code in} to clamd and returns its verdict. */
  Reply scan(InputStream in) throws IOException {
    try (Connection c = connect()) {
      c.out.write("zINSTREAM\0".getBytes(StandardCharsets.US_ASCII));
      byte[] buf = new byte[CHUNK];
      ByteBuffer length = ByteBuffer.allocate(4);
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          length.clear();
          length.putInt(n);
          c.out.write(length.array());
          c.out.write(buf, 0, n);
        }
        c.out.write(new byte[4]); // a zero-length chunk ends the stream
        c.out.flush();
      } catch (IOException e) {
        // clamd closes the connection once the stream passes StreamMaxLength: its reply says so
      }
      String reply = c.readReply();
      return parse(reply);
    }
  }

  /** The engine and database versions, e.g. {@code ClamAV 1.4.3/27000/Fri Nov 28 ...}. */
  String version() throws IOException {
    try (Connection c = connect()) {
      c.out.write("zVERSION\0".getBytes(StandardCharsets.US_ASCII));
      c.out.flush();
      return c.readReply();
    }
  }

  /** clamd's replies: {@code stream: OK}, {@code stream: NAME FOUND}, {@code ... ERROR}. */
  static Reply parse(String reply) {
    String r = reply.strip();
    if (r.endsWith(" FOUND")) {
      String signature = r.substring(r.indexOf(':') + 1, r.length() - " FOUND".length()).strip();
      return new Reply(Verdict.INFECTED, signature, r);
    }
    if (r.endsWith(": OK")) {
      return new Reply(Verdict.CLEAN, null, r);
    }
    return new Reply(Verdict.UNSCANNABLE, null, r);
  }

  private Connection connect() throws IOException {
    if ("unix".equals(address.getScheme())) {
      SocketChannel ch = SocketChannel.open(java.net.UnixDomainSocketAddress.of(address.getPath()));
      return new Connection(ch, Channels.newInputStream(ch), Channels.newOutputStream(ch));
    }
    Socket s = new Socket();
    s.connect(
        new InetSocketAddress(address.getHost(), address.getPort()), (int) timeout.toMillis());
    s.setSoTimeout((int) timeout.toMillis());
    return new Connection(s, s.getInputStream(), s.getOutputStream());
  }

  private record Connection(AutoCloseable socket, InputStream in, OutputStream out)
      implements AutoCloseable {
    /** A reply ends with NUL (the z-commands) or when clamd closes the connection. */
    String readReply() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int c; (c = in.read()) > 0; ) {
        b.write(c);
        if (b.size() > 4096) {
          break;
        }
      }
      return b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
      try {
        socket.close();
      } catch (IOException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(e);
      }
    }
  }
}
