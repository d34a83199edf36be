package dev.s3proc.handlers.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.handlers.testing.HandlerHarness;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scan handler against the real ClamAV engine: a clamd of the test's own ({@link TestClamd})
 * with a signature database made here: EICAR's MD5 and a body signature of a marker string.
 */
class ScanHandlerIT {
  /** The EICAR anti-virus test file, built from two halves so this source is not itself one. */
  static final String EICAR =
      "X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

  static final String MARKER = "S3PROC-TEST-MARKER-7F3A";

  HandlerHarness h;

  @BeforeEach
  void setUp() {
    h = new HandlerHarness();
  }

  ScanHandler handler(long maxBytes) throws Exception {
    Map<String, String> env = new HashMap<>(h.env(true));
    env.put("CLAMD_ADDRESS", TestClamd.shared().address());
    env.put("SCAN_MAX_BYTES", Long.toString(maxBytes));
    return new ScanHandler(env);
  }

  AuditRecord scan(ScanHandler handler, String key, byte[] bytes) throws Exception {
    h.invoke(handler, h.event("sqs-sns-wrapped.json", key, bytes.length, h.put(key, bytes)));
    return h.history(key).get(0);
  }

  @Test
  void cleanInfectedAndInfectedInsideAZipAreToldApartWithTheSignatureAndTheEngine()
      throws Exception {
    ScanHandler handler = handler(100 << 20);
    AuditRecord clean =
        scan(handler, "uploads/compliance/notes.txt", "nothing to see\n".getBytes());
    assertThat(clean.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(clean.metadata())
        .containsEntry("scanVerdict", "CLEAN")
        .hasEntrySatisfying("engine", e -> assertThat(e).startsWith("ClamAV 1."));

    AuditRecord eicar =
        scan(handler, "uploads/compliance/eicar.com", EICAR.getBytes(StandardCharsets.US_ASCII));
    assertThat(eicar.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(eicar.metadata())
        .containsEntry("scanVerdict", "INFECTED")
        .containsEntry("signature", "eicar.com.UNOFFICIAL");

    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(zip)) {
      z.putNextEntry(new ZipEntry("docs/readme.txt"));
      z.write("hello".getBytes());
      z.putNextEntry(new ZipEntry("docs/tools/eicar.com"));
      z.write(EICAR.getBytes(StandardCharsets.US_ASCII));
    }
    assertThat(scan(handler, "uploads/compliance/bundle.zip", zip.toByteArray()).metadata())
        .as("inside an archive")
        .containsEntry("scanVerdict", "INFECTED")
        .containsEntry("signature", "eicar.com.UNOFFICIAL");

    byte[] marked = ("report header\n" + MARKER + "\nfooter\n").getBytes(StandardCharsets.UTF_8);
    assertThat(scan(handler, "uploads/compliance/report.txt", marked).metadata())
        .as("the project's body signature")
        .containsEntry("signature", "S3proc.Test.Marker.UNOFFICIAL");
  }

  /**
   * An infected upload is tagged, copied to the quarantine and removed; a later delivery of its
   * event (the retry of an attempt killed after the move, before it recorded the verdict) finds it
   * gone and reads the verdict back from the quarantined copy: INFECTED, never GONE or CLEAN.
   */
  @Test
  void anInfectedUploadIsQuarantinedAndARetryAfterTheMoveStillSaysInfected() throws Exception {
    h.s3.createBucket(r -> r.bucket("terminus-quarantine"));
    Map<String, String> env = new HashMap<>(h.env(true));
    env.put("CLAMD_ADDRESS", TestClamd.shared().address());
    env.put("QUARANTINE_BUCKET", "terminus-quarantine");
    env.put("QUARANTINE_PREFIX", "infected/");
    ScanHandler handler = new ScanHandler(env);
    String key = "uploads/compliance/invoice.txt";
    byte[] bytes = EICAR.getBytes(StandardCharsets.US_ASCII);
    String etag = h.put(key, bytes);
    h.invoke(handler, h.event("sqs-sns-wrapped.json", key, bytes.length, etag));
    AuditRecord first = h.history(key).get(0);
    assertThat(first.metadata())
        .containsEntry("scanVerdict", "INFECTED")
        .containsEntry("originalRemoved", "true")
        .containsKey("quarantinedTo");
    String copy = "infected/" + HandlerHarness.BUCKET + "/" + key;
    assertThat(h.s3.getObjectTagging(r -> r.bucket("terminus-quarantine").key(copy)).tagSet())
        .extracting(t -> t.key() + "=" + t.value())
        .contains(
            "s3proc-verdict=INFECTED",
            "s3proc-signature=eicar.com.UNOFFICIAL",
            "s3proc-source-etag=" + etag);
    assertThat(h.s3.listObjectsV2(r -> r.bucket(HandlerHarness.BUCKET).prefix(key)).keyCount())
        .isZero();

    TimeUnit.MILLISECONDS.sleep(5); // another event: another sequencer
    h.invoke(handler, h.event("sqs-sns-wrapped.json", key, bytes.length, etag));
    AuditRecord again = h.history(key).get(0);
    assertThat(again.attemptId()).isNotEqualTo(first.attemptId());
    assertThat(again.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(again.metadata())
        .containsEntry("scanVerdict", "INFECTED")
        .containsEntry("signature", "eicar.com.UNOFFICIAL")
        .containsEntry("note", "quarantined by an earlier attempt that did not record it");
    assertThat(h.dlq()).isEmpty();
  }

  @Test
  void pastTheScannersLimitIsUnscannableNeverClean() throws Exception {
    byte[] big = new byte[2 << 20]; // 2 MB of zeros: past clamd's StreamMaxLength of 1 MB
    AuditRecord byClamd = scan(handler(100 << 20), "uploads/compliance/big.bin", big);
    assertThat(byClamd.status()).isEqualTo(Status.FAILED);
    assertThat(byClamd.errorType()).isEqualTo("UNSCANNABLE");
    assertThat(byClamd.errorMessage()).contains("not scanned, so not known to be clean", "clamd");

    AuditRecord byLimit = scan(handler(1000), "uploads/compliance/medium.bin", new byte[5000]);
    assertThat(byLimit.errorType()).isEqualTo("UNSCANNABLE");
    assertThat(byLimit.errorMessage()).contains("5000 bytes, past the scanner's limit of 1000");
    assertThat(h.dlq()).hasSize(2);
  }

  /**
   * An encrypted archive cannot be looked into: UNSCANNABLE, never CLEAN. A truncated one is
   * scanned as far as its bytes go (clamd reads the raw stream too): CLEAN, a verdict on those
   * bytes.
   */
  @Test
  void anEncryptedArchiveIsUnscannableAndATruncatedOneIsScannedAsItIs() throws Exception {
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(zip)) {
      ZipEntry e = new ZipEntry("secret.txt");
      byte[] body = "quarterly numbers\n".repeat(10).getBytes(StandardCharsets.US_ASCII);
      e.setMethod(ZipEntry.STORED);
      e.setSize(body.length);
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(body);
      e.setCrc(crc.getValue());
      z.putNextEntry(e);
      z.write(body);
    }
    byte[] encrypted = zip.toByteArray();
    // the "encrypted" bit of the general purpose flags, in the local and the central header, as
    // zip -e sets it (the JDK cannot write encrypted entries)
    encrypted[6] |= 1;
    for (int i = encrypted.length - 22; i >= 0; i--) {
      if (encrypted[i] == 'P'
          && encrypted[i + 1] == 'K'
          && encrypted[i + 2] == 1
          && encrypted[i + 3] == 2) {
        encrypted[i + 8] |= 1;
        break;
      }
    }
    AuditRecord locked = scan(handler(100 << 20), "uploads/compliance/locked.zip", encrypted);
    assertThat(locked.status()).isEqualTo(Status.FAILED);
    assertThat(locked.errorType()).isEqualTo("UNSCANNABLE");
    assertThat(locked.errorMessage()).contains("encrypted", "Heuristics.Encrypted.Zip");

    byte[] truncated = java.util.Arrays.copyOf(zip.toByteArray(), 40);
    assertThat(scan(handler(100 << 20), "uploads/compliance/cut.zip", truncated).metadata())
        .containsEntry("scanVerdict", "CLEAN");
  }

  @Test
  void clamdUnreachableIsTransientTheFileIsTriedAgainNotCalledClean() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Map<String, String> env = new HashMap<>(h.env(true));
    env.put("CLAMD_ADDRESS", "tcp://127.0.0.1:" + closed);
    AuditRecord r =
        scan(new ScanHandler(env), "uploads/compliance/later.txt", "hello\n".getBytes());
    assertThat(r.status()).isEqualTo(Status.FAILED);
    assertThat(r.retry()).isTrue();
    assertThat(r.metadata()).doesNotContainKey("scanVerdict");
    assertThat(h.dlq()).isEmpty();
  }
}
