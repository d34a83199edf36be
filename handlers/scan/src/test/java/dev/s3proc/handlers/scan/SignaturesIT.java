package dev.s3proc.handlers.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.handlers.testing.HandlerHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signatures bucket on moto: what the scheduled update publishes is only what changed, and a
 * new scan container fetches only what differs from the signatures its image brought.
 */
class SignaturesIT {
  @TempDir Path updater;
  @TempDir Path container;

  @Test
  void onlyWhatChangedIsPublishedAndFetched() throws Exception {
    HandlerHarness h = new HandlerHarness();
    h.s3.createBucket(r -> r.bucket("s3proc-signatures"));
    Files.write(updater.resolve("main.cvd"), new byte[] {1, 2, 3, 4});
    Files.write(updater.resolve("daily.cld"), new byte[] {5, 6, 7});
    Files.writeString(updater.resolve("freshclam.dat"), "not a database");

    assertThat(Signatures.publish(h.s3, "s3proc-signatures", updater))
        .containsExactly("daily.cld", "main.cvd");
    assertThat(Signatures.publish(h.s3, "s3proc-signatures", updater)).isEmpty();

    // the image brought yesterday's daily.cld and today's main.cvd
    Files.write(container.resolve("main.cvd"), new byte[] {1, 2, 3, 4});
    Files.write(container.resolve("daily.cld"), new byte[] {5, 6});
    assertThat(Signatures.fetch(h.s3, "s3proc-signatures", container)).containsExactly("daily.cld");
    assertThat(Files.readAllBytes(container.resolve("daily.cld"))).containsExactly(5, 6, 7);

    // freshclam's next update changes daily.cld only
    Files.write(updater.resolve("daily.cld"), new byte[] {5, 6, 7, 8});
    assertThat(Signatures.publish(h.s3, "s3proc-signatures", updater)).containsExactly("daily.cld");
    assertThat(Signatures.fetch(h.s3, "s3proc-signatures", container)).containsExactly("daily.cld");
    assertThat(Signatures.fetch(h.s3, "s3proc-signatures", container)).isEmpty();
    try (var files = Files.list(container)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("main.cvd", "daily.cld");
    }
  }
}
