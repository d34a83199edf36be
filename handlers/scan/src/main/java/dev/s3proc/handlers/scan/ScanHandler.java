package dev.s3proc.handlers.scan;

import dev.s3proc.handlers.runtime.Input;
import dev.s3proc.handlers.runtime.PermanentFailure;
import dev.s3proc.handlers.runtime.Processor;
import dev.s3proc.handlers.runtime.ProcessorHandler;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lambda handler {@code dev.s3proc.handlers.scan.ScanHandler::handleRequest}: the object streamed
 * to clamd ({@code CLAMD_ADDRESS}, default {@code tcp://127.0.0.1:3310}) and its verdict recorded
 * with the engine's and the signature database's versions: {@code CLEAN}, {@code INFECTED} with the
 * signature's name, or — past the scanner's limit ({@code SCAN_MAX_BYTES}, clamd's StreamMaxLength)
 * — {@code UNSCANNABLE}, a failure with its reason, never a silent clean. clamd unreachable is
 * transient: the file is tried again, then dead-lettered with that reason.
 */
public class ScanHandler extends ProcessorHandler {
  public ScanHandler() {
    super(new ScanProcessor(System.getenv()));
  }

  public ScanHandler(Map<String, String> env) {
    super(new ScanProcessor(env), env);
  }

  static final class ScanProcessor implements Processor {
    private final Clamd clamd;
    private final long maxBytes;

    ScanProcessor(Map<String, String> env) {
      this.clamd =
          new Clamd(
              env.getOrDefault("CLAMD_ADDRESS", "tcp://127.0.0.1:3310"), Duration.ofSeconds(60));
      this.maxBytes = Long.parseLong(env.getOrDefault("SCAN_MAX_BYTES", "104857600"));
    }

    @Override
    public String name() {
      return "scan";
    }

    @Override
    public Result process(Input input) throws PermanentFailure, IOException {
      if (input.size() > maxBytes) {
        throw unscannable(
            input.size() + " bytes, past the scanner's limit of " + maxBytes + " (SCAN_MAX_BYTES)");
      }
      String engine = clamd.version().strip();
      Clamd.Reply reply;
      try (InputStream in = input.open()) {
        reply = clamd.scan(in);
      }
      if (reply.verdict() == Clamd.Verdict.UNSCANNABLE) {
        throw unscannable("clamd: " + reply.text());
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put("scanVerdict", reply.verdict().name());
      if (reply.signature() != null) {
        metadata.put("signature", reply.signature());
      }
      metadata.put("engine", engine);
      return new Result(List.of(), metadata);
    }

    private static PermanentFailure unscannable(String why) {
      return new PermanentFailure("UNSCANNABLE", "not scanned, so not known to be clean: " + why);
    }
  }
}
