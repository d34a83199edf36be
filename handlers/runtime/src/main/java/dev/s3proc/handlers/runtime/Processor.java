package dev.s3proc.handlers.runtime;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** What a processor does with one object; the runtime does everything around it. */
public interface Processor {
  /** The processor's name in the audit trail and the metrics. */
  String name();

  Result process(Input input) throws PermanentFailure, IOException;

  /** What processing produced: output URIs, metadata for the trail, bytes written. */
  record Result(List<String> outputs, Map<String, String> metadata) {}
}
