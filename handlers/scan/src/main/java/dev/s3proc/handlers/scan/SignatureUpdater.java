package dev.s3proc.handlers.scan;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Lambda handler {@code dev.s3proc.handlers.scan.SignatureUpdater::handleRequest}, on a schedule
 * (config/template.yaml: every 3 hours): the signatures in SIGNATURES_BUCKET brought up to date by
 * {@code freshclam} — seeded from the bucket first, so that freshclam downloads the day's
 * differences, not the whole database — and what changed put back. A freshclam that fails fails the
 * invocation (the function's error alarm), and the bucket keeps the last good signatures.
 */
public class SignatureUpdater implements RequestStreamHandler {
  private static final Path DIR = Path.of("/tmp/clamav");
  private static final Path IMAGE_SIGNATURES = Path.of("/var/lib/clamav");

  private final S3Client s3 =
      S3Client.builder().httpClient(UrlConnectionHttpClient.create()).build();

  @Override
  public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
    String bucket = System.getenv("SIGNATURES_BUCKET");
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalStateException("SIGNATURES_BUCKET is not set: nowhere to keep signatures");
    }
    Files.createDirectories(DIR);
    if (Files.isDirectory(IMAGE_SIGNATURES)) {
      try (var files = Files.list(IMAGE_SIGNATURES)) {
        for (Path f : files.filter(Signatures::isSignatureFile).toList()) {
          Path to = DIR.resolve(f.getFileName());
          if (!Files.exists(to)) {
            Files.copy(f, to);
          }
        }
      }
    }
    Signatures.fetch(s3, bucket, DIR);
    Process freshclam =
        new ProcessBuilder(
                "freshclam",
                "--config-file=/opt/s3proc/freshclam.conf",
                "--datadir=" + DIR,
                "--stdout")
            .redirectErrorStream(true)
            .start();
    String log = new String(freshclam.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!freshclam.waitFor(8, TimeUnit.MINUTES) || freshclam.exitValue() != 0) {
        throw new IOException("freshclam failed; the bucket keeps the last signatures: " + log);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while freshclam ran", e);
    }
    List<String> published = Signatures.publish(s3, bucket, DIR);
    out.write(
        ("{\"published\":["
                + String.join(",", published.stream().map(p -> "\"" + p + "\"").toList())
                + "]}")
            .getBytes(StandardCharsets.UTF_8));
  }
}
