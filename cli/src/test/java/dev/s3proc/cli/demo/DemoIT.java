package dev.s3proc.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.cli.testing.Cli;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, end to end, as a newcomer runs it. */
class DemoIT {
  @Test
  void theDemoTellsTheWholeStoryAndStopsWhatItStarted(@TempDir Path state) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    // ClamAV's official signatures cannot be downloaded here: a database of one body signature
    // stands in (a scan against it is real; CLEAN means clean against it, no more)
    Path signatures = Files.createDirectories(state.resolve("signatures"));
    Files.writeString(
        signatures.resolve("s3proc-demo.ndb"), "S3proc.Demo.Marker:0:*:733370726f63\n");
    Cli cli =
        new Cli()
            .env("S3PROC_STATE_DIR", state.resolve("stack").toString())
            .env("S3PROC_HOME", Path.of("..").toAbsolutePath().normalize().toString())
            .env("S3PROC_CLAMAV_DB", signatures.toString());
    Cli.Result r =
        cli.run("demo", "--port", Integer.toString(port), "-f", "../config/pipeline.yaml");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains(
            "1. Started the local stack",
            "2. Uploaded 5 files",
            "✓ uploads/images/harbour-sunset.jpg",
            "✓ uploads/documents/q3-report.pdf",
            "✗ uploads/images/corrupt-camera-upload.jpg  →  FAILED CORRUPT",
            "result notices on SNS topic processing-results: 5, one per finished attempt,"
                + " e.g. attributes [errorType=CORRUPT, processor=image, retry=false,"
                + " status=FAILED, workflow=s3proc.media-ingest.process-images-jpg]",
            "4. The audit trail of one file",
            "5. The corrupt file went straight to the dead-letter queue image-processing-dlq",
            "6. Redrove it back to image-processing",
            "It fails again, visibly: attempt 2",
            "7. Reconciled s3://terminus-uploads against the trail",
            "5 uploads routed to a processor, 4 processed, 1 failed with their reason and in a DLQ,"
                + " 0 unaccounted for — every upload is accounted for",
            "8. Cost",
            "within budget",
            "10. The compliance fan-out: uploaded customers.csv under uploads/compliance/",
            "validate SUCCEEDED  text/csv",
            "pii      SUCCEEDED  FOUND: 3 EMAIL, 1 CARD, 2 PHONE; masked report",
            "scan     SUCCEEDED  CLEAN (ClamAV ",
            "report   NON_COMPLIANT  s3://terminus-processed/compliance/uploads/compliance/"
                + "customers.csv.json (pii: FOUND (",
            "Stopped the local stack it started");
    assertThat(Files.exists(state.resolve("stack/local.json"))).isFalse();
  }
}
