package dev.s3proc.handlers.runtime;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** What a processor does with one object; the runtime does everything around it. */
public interface Processor {
  /** The processor's name in the audit trail and the metrics. */
  String name();

  Result process(Input input) throws PermanentFailure, IOException;

  /**
   * The folders it writes under in the output location ({@code thumbnails/}, ...): when an upload
   * is removed, its outputs there are deleted, and nothing anywhere else.
   */
  default List<String> folders() {
    return dev.s3proc.core.config.OutputKeys.FOLDERS.getOrDefault(name(), List.of());
  }

  /**
   * Runs what the first file will run, on a small made-up input. The runtime calls it on a thread
   * of its own when the container starts, so that the class loading and one-time set-up of the
   * processing libraries happen on the other core while the SDK clients are built and the first
   * event's requests are made (under SnapStart, they are in the snapshot). It must be safe to run
   * alongside {@link #process}. A failure here changes nothing but the first file's latency.
   */
  default void warmUp() throws Exception {}

  /** What processing produced: output URIs, metadata for the trail, bytes written. */
  record Result(List<String> outputs, Map<String, String> metadata) {}
}
