package dev.s3proc.handlers.validate;

import dev.s3proc.handlers.runtime.KeyNames;
import dev.s3proc.handlers.runtime.PermanentFailure;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.apache.tika.Tika;

/**
 * Sniffs the content type from the first bytes (tika-core's magic), checks it against the key's
 * extension, and computes SHA-256 over the whole stream in 64 KB steps: memory use does not grow
 * with the object, so a 5 GB object is never held in memory.
 */
public final class ContentValidator {
  private static final int BUFFER = 64 * 1024;

  /** Extension to the content types that may bear it. */
  static final Map<String, Set<String>> EXPECTED =
      Map.ofEntries(
          Map.entry("jpg", Set.of("image/jpeg")),
          Map.entry("jpeg", Set.of("image/jpeg")),
          Map.entry("png", Set.of("image/png")),
          Map.entry("gif", Set.of("image/gif")),
          Map.entry("webp", Set.of("image/webp")),
          Map.entry("tif", Set.of("image/tiff")),
          Map.entry("tiff", Set.of("image/tiff")),
          Map.entry("pdf", Set.of("application/pdf")),
          Map.entry("zip", Set.of("application/zip")),
          Map.entry("gz", Set.of("application/gzip", "application/x-gzip")),
          Map.entry("json", Set.of("application/json", "text/plain")),
          Map.entry("csv", Set.of("text/csv", "text/plain")),
          Map.entry("txt", Set.of("text/plain")));

  /**
   * Tika's default configuration takes a while to load: it is built on first use (by the warm-up,
   * off the first event's path), once per container. Tika is thread-safe.
   */
  private static final class Detector {
    static final Tika TIKA = new Tika();
  }

  public record Verdict(String contentType, String sha256, long bytes) {}

  public Verdict validate(InputStream raw, String key, long maxBytes)
      throws IOException, PermanentFailure {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    BufferedInputStream in = new BufferedInputStream(raw, BUFFER);
    String detected =
        Detector.TIKA.detect(in, KeyNames.fileName(key)); // reads the head, then resets
    DigestInputStream digest = new DigestInputStream(in, sha);
    byte[] buffer = new byte[BUFFER];
    long total = 0;
    for (int n; (n = digest.read(buffer)) > 0; ) {
      total += n;
      if (total > maxBytes) {
        throw PermanentFailure.tooLarge(total, maxBytes);
      }
    }
    if (total == 0) {
      throw PermanentFailure.empty();
    }
    String ext = KeyNames.extension(key);
    Set<String> expected = EXPECTED.get(ext);
    if (expected == null) {
      throw new PermanentFailure(
          "UNSUPPORTED",
          "extension '."
              + ext
              + "' is not one this pipeline accepts ("
              + String.join(", ", EXPECTED.keySet().stream().sorted().toList())
              + ")");
    }
    if (!expected.contains(detected)) {
      throw new PermanentFailure(
          "TYPE_MISMATCH",
          "the content is "
              + detected
              + " but the name says ."
              + ext
              + " ("
              + String.join(" or ", expected)
              + ")");
    }
    return new Verdict(detected, HexFormat.of().formatHex(sha.digest()), total);
  }
}
