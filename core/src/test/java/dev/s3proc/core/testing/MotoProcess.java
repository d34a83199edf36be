package dev.s3proc.core.testing;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One real moto_server per test JVM, on a free 127.0.0.1 port, shared by the CLI's and the
 * handlers' tests (through this module's test jar). Starting it also sets the SDK's credential and
 * region system properties, as a user's environment would; each test resets it.
 */
public final class MotoProcess {
  private static String endpoint;

  private MotoProcess() {}

  /**
   * The running server's endpoint; the first call starts it (up to 30 s), with its log in target.
   */
  public static synchronized String endpoint() {
    if (endpoint == null) {
      endpoint = start();
    }
    return endpoint;
  }

  /** Forgets every resource, as moto's reset API does; fails the test when moto does not answer. */
  public static void reset() {
    if (!post(endpoint() + "/moto-api/reset")) {
      throw new IllegalStateException("moto_server at " + endpoint + " did not reset");
    }
  }

  private static String start() {
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
    System.setProperty("aws.region", "us-east-1");
    int port = freePort();
    String url = "http://127.0.0.1:" + port;
    Process process;
    try {
      process =
          new ProcessBuilder(
                  dev.s3proc.core.emulator.MotoCommand.of(
                      Path.of("moto_server"), "127.0.0.1", port, Path.of("target")))
              .redirectErrorStream(true)
              .redirectOutput(new File("target/moto-" + port + ".log"))
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "moto_server could not start; install it with pip install 'moto[server]'", e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!post(url + "/moto-api/reset")) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException(
            "moto_server did not answer on " + url + "; see target/moto-" + port + ".log");
      }
      try {
        process.waitFor(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while moto_server started", e);
      }
    }
    return url;
  }

  /** A port nothing listens on at this moment, for a server of the tests' own. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Creates an IAM role and returns its ARN: moto's Lambda refuses a function whose role does not
   * exist, and the SDK's IAM client is not a dependency of the project. A query-API call whose
   * credential scope names the service, which moto routes by and does not verify.
   */
  public static String createRole(String name) {
    try {
      HttpURLConnection c =
          (HttpURLConnection) URI.create(endpoint() + "/").toURL().openConnection();
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
      c.setRequestProperty(
          "Authorization",
          "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, "
              + "SignedHeaders=host, Signature=0");
      String body =
          "Action=CreateRole&Version=2010-05-08&RoleName="
              + name
              + "&AssumeRolePolicyDocument=%7B%7D";
      c.getOutputStream().write(body.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      int code = c.getResponseCode();
      c.disconnect();
      if (code != 200) {
        throw new IllegalStateException("moto did not create role " + name + ": HTTP " + code);
      }
      return "arn:aws:iam::123456789012:role/" + name;
    } catch (IOException e) {
      throw new IllegalStateException("moto did not create role " + name, e);
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
}
