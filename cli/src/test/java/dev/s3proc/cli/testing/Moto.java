package dev.s3proc.cli.testing;

import dev.s3proc.cli.GlobalOptions;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.local.LocalState;
import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import picocli.CommandLine;

/**
 * A real moto_server on a free 127.0.0.1 port, started once per test JVM and reset before each
 * test. Credentials and region come to the CLI the way a user's would: the SDK's system properties.
 */
public final class Moto implements BeforeEachCallback {
  private static String endpoint;
  private static Process process;

  public static synchronized String endpoint() {
    if (endpoint == null) {
      start();
    }
    return endpoint;
  }

  private static void start() {
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
    System.setProperty("aws.region", "us-east-1");
    int port = freePort();
    String url = "http://127.0.0.1:" + port;
    try {
      process =
          new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port))
              .redirectErrorStream(true)
              .redirectOutput(new File("target/moto-" + port + ".log"))
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "moto_server could not start; install it with pip install 'moto[server]'", e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (post(url + "/moto-api/reset")) {
        endpoint = url;
        return;
      }
      try {
        process.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    throw new IllegalStateException("moto_server did not answer on " + url);
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean post(String url) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      c.setRequestMethod("POST");
      c.setConnectTimeout(500);
      int code = c.getResponseCode();
      c.disconnect();
      return code == 200;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!post(endpoint() + "/moto-api/reset")) {
      throw new IllegalStateException("moto reset failed");
    }
  }

  /** Clients for the test's own setup and checks, from the production factory. */
  public static ClientFactory clients() {
    GlobalOptions options = new GlobalOptions();
    new CommandLine(options).parseArgs("--endpoint-url", endpoint(), "--region", "us-east-1");
    return new ClientFactory(options, new LocalState(Path.of("target", "no-local-state")));
  }
}
