package dev.s3proc.core.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A reverse proxy on 127.0.0.1 in front of the real emulator, for fault tests: every request is
 * forwarded to moto unchanged, except those a fault matches, which get the error a failing AWS
 * service would send (an HTTP 500 with the service's JSON error) or, in a blackout, no answer at
 * all. It fakes nothing of AWS: what answers is moto; the proxy only takes answers away.
 */
public final class FaultProxy implements AutoCloseable {
  /** What the proxy sees of a request, to decide whether a fault applies. */
  public record Request(String method, String path, String target, String body) {
    /** The DynamoDB or SQS operation of a JSON-protocol request, e.g. {@code PutItem}. */
    public String operation() {
      return target == null ? "" : target.substring(target.indexOf('.') + 1);
    }
  }

  private record Fault(Predicate<Request> when, long untilNanos, AtomicInteger remaining) {}

  private static final Set<String> RESTRICTED =
      Set.of("connection", "content-length", "expect", "host", "upgrade", "transfer-encoding");

  private final HttpServer server;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final String upstream;
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final AtomicInteger injected = new AtomicInteger();
  private volatile long blackoutUntil;

  public FaultProxy(String upstream) {
    this.upstream = upstream;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.setExecutor(Executors.newFixedThreadPool(16));
    server.createContext("/", this::handle);
    server.start();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers HTTP 500 to matching requests for the given time (at most {@code times} of them). */
  public void fail(Predicate<Request> when, Duration during, int times) {
    faults.add(new Fault(when, System.nanoTime() + during.toNanos(), new AtomicInteger(times)));
  }

  /** Answers nothing for the given time: every connection is closed unanswered, as if moto died. */
  public void blackout(Duration during) {
    blackoutUntil = System.nanoTime() + during.toNanos();
  }

  /** How many answers the proxy has taken away so far. */
  public int injected() {
    return injected.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (System.nanoTime() < blackoutUntil) {
        injected.incrementAndGet();
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      Request request =
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI().toString(),
              exchange.getRequestHeaders().getFirst("X-Amz-Target"),
              new String(body, StandardCharsets.UTF_8));
      for (Fault f : faults) {
        if (System.nanoTime() < f.untilNanos()
            && f.when().test(request)
            && f.remaining().getAndDecrement() > 0) {
          injected.incrementAndGet();
          byte[] error =
              ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\","
                      + "\"message\":\"injected by the test's fault proxy\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
          exchange.sendResponseHeaders(500, error.length);
          exchange.getResponseBody().write(error);
          return;
        }
      }
      forward(exchange, body);
    }
  }

  private void forward(HttpExchange exchange, byte[] body) throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI()))
            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> b.header(name, v));
              }
            });
    HttpResponse<byte[]> response;
    try {
      response = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.sendResponseHeaders(503, -1);
      return;
    } catch (IOException e) {
      exchange.sendResponseHeaders(502, -1);
      return;
    }
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                values.forEach(v -> exchange.getResponseHeaders().add(name, v));
              }
            });
    byte[] payload = response.body();
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    if (head) { // a HEAD answer's Content-Length is the object's size, which the SDK reads
      response
          .headers()
          .firstValue("Content-Length")
          .ifPresent(v -> exchange.getResponseHeaders().set("Content-Length", v));
    }
    boolean noBody = head || payload.length == 0;
    exchange.sendResponseHeaders(response.statusCode(), noBody ? -1 : payload.length);
    if (!noBody) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(payload);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
