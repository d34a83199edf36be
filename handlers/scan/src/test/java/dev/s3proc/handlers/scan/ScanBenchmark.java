package dev.s3proc.handlers.scan;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * bench/scan.sh's side A: the files through the scan processor's own path to clamd — its engine
 * version asked, the bytes streamed with INSTREAM — as one process, the way clamscan scans them as
 * one process on side B. Prints the verdicts, so that both sides are seen to agree.
 *
 * <p>usage: ScanBenchmark tcp://127.0.0.1:PORT FILE...
 */
public final class ScanBenchmark {
  private ScanBenchmark() {}

  public static void main(String[] args) throws Exception {
    Clamd clamd = new Clamd(args[0], Duration.ofSeconds(60));
    int clean = 0;
    int infected = 0;
    for (int i = 1; i < args.length; i++) {
      clamd.version();
      Clamd.Reply reply;
      try (InputStream in = Files.newInputStream(Path.of(args[i]))) {
        reply = clamd.scan(in);
      }
      if (reply.verdict() == Clamd.Verdict.CLEAN) {
        clean++;
      } else {
        infected++;
        System.out.println(args[i] + ": " + reply.text());
      }
    }
    System.out.println(clean + " clean, " + infected + " not clean");
  }
}
