package dev.s3proc.handlers.image;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Milliseconds per 256-px thumbnail of each JPEG given, warm (a Lambda container's steady state),
 * median of the runs. Run with bench/handlers.sh, which times vipsthumbnail on the same files.
 */
public final class ThumbnailBenchmark {
  public static void main(String[] args) throws Exception {
    int runs = Integer.parseInt(args[0]);
    Thumbnailer t = new Thumbnailer(List.of(256), 200_000_000L, 0.85f);
    List<byte[]> images = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      images.add(Files.readAllBytes(Path.of(args[i])));
    }
    for (int warm = 0; warm < 5; warm++) {
      for (byte[] img : images) {
        t.make(new ByteArrayInputStream(img), "jpg");
      }
    }
    List<Double> ms = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      for (byte[] img : images) {
        long t0 = System.nanoTime();
        t.make(new ByteArrayInputStream(img), "jpg");
        ms.add((System.nanoTime() - t0) / 1e6);
      }
    }
    Collections.sort(ms);
    System.out.printf("%.1f%n", ms.get(ms.size() / 2));
  }
}
