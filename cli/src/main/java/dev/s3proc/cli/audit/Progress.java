package dev.s3proc.cli.audit;

import dev.s3proc.cli.Output;
import me.tongfei.progressbar.ProgressBar;

/** A progress bar over the partitions of a long audit read, on a terminal only. */
final class Progress implements AutoCloseable {
  /** Below this many partitions (two weeks) the read is quick and a bar would only flicker. */
  static final int THRESHOLD = 112;

  private final ProgressBar bar;

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  static Progress start(Output out, String task, int partitions) {
    return new Progress(
        partitions < THRESHOLD ? null : out.progressBar(task, partitions, " partitions"));
  }

  void partitionDone(int items) {
    if (bar != null) {
      bar.step();
      bar.setExtraMessage(items + " items");
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
