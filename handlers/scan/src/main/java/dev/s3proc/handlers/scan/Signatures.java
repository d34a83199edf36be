package dev.s3proc.handlers.scan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * ClamAV's signature files, kept in an S3 bucket ({@code SIGNATURES_BUCKET}, under {@value
 * #PREFIX}) so that freshclam asks ClamAV's mirrors once per schedule ({@link SignatureUpdater}),
 * not once per container: each scan container {@linkplain #fetch fetches} what differs from the
 * signatures its image was built with before clamd starts. A file is compared by its MD5 against
 * the object's ETag (the files are put in one part, so the ETag is their MD5).
 */
public final class Signatures {
  static final String PREFIX = "clamav/";

  private Signatures() {}

  /** Signature files in a directory: the databases clamd and freshclam read. */
  static boolean isSignatureFile(Path f) {
    return f.getFileName().toString().matches(".*\\.(cvd|cld|cud)");
  }

  /** Downloads every signature file whose content differs from the one in {@code dir}. */
  static List<String> fetch(S3Client s3, String bucket, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<String> fetched = new ArrayList<>();
    for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(PREFIX)).contents()) {
      String name = o.key().substring(PREFIX.length());
      if (name.isEmpty() || name.contains("/")) {
        continue;
      }
      Path local = dir.resolve(name);
      if (Files.exists(local) && md5(local).equals(etag(o.eTag()))) {
        continue;
      }
      Path part = dir.resolve(name + ".part");
      try (InputStream in = s3.getObject(r -> r.bucket(bucket).key(o.key()))) {
        Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(part, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      fetched.add(name);
    }
    return fetched;
  }

  /** Uploads every signature file in {@code dir} that the bucket does not hold as it is. */
  static List<String> publish(S3Client s3, String bucket, Path dir) throws IOException {
    List<String> published = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(Signatures::isSignatureFile).sorted().toList();
    }
    for (Path f : files) {
      String key = PREFIX + f.getFileName();
      String md5 = md5(f);
      String current;
      try {
        current = etag(s3.headObject(r -> r.bucket(bucket).key(key)).eTag());
      } catch (NoSuchKeyException e) {
        current = null;
      } catch (S3Exception e) {
        if (e.statusCode() != 404) {
          throw e;
        }
        current = null;
      }
      if (!md5.equals(current)) {
        s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromFile(f));
        published.add(f.getFileName().toString());
      }
    }
    return published;
  }

  private static String etag(String quoted) {
    return quoted == null ? "" : quoted.replace("\"", "");
  }

  static String md5(Path f) throws IOException {
    try (DigestInputStream in =
        new DigestInputStream(Files.newInputStream(f), MessageDigest.getInstance("MD5"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(in.getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code java -cp <jar> dev.s3proc.handlers.scan.Signatures DIR}: the scan container's start
   * (docker/scan-entry.sh) brings DIR up to date from SIGNATURES_BUCKET before clamd loads it. A
   * failure is said and the image's signatures are used: their versions are recorded with every
   * verdict, so their age shows.
   */
  public static void main(String[] args) {
    String bucket = System.getenv("SIGNATURES_BUCKET");
    if (bucket == null || bucket.isBlank() || args.length != 1) {
      return;
    }
    try (S3Client s3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
      List<String> fetched = fetch(s3, bucket, Path.of(args[0]));
      System.out.println(
          "{\"level\":\"INFO\",\"message\":\"signatures fetched\",\"files\":\""
              + String.join(",", fetched)
              + "\"}");
    } catch (IOException | RuntimeException e) {
      System.out.println(
          "{\"level\":\"WARN\",\"message\":\"could not fetch the signatures; scanning with the"
              + " image's\",\"error\":\""
              + String.valueOf(e.getMessage()).replace("\"", "'")
              + "\"}");
    }
  }
}
