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
import java.util.Optional;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Lambda handler {@code dev.s3proc.handlers.scan.ScanHandler::handleRequest}: the object streamed
 * to clamd ({@code CLAMD_ADDRESS}, default {@code tcp://127.0.0.1:3310}) and its verdict recorded
 * with the engine's and the signature database's versions: {@code CLEAN}, {@code INFECTED} with the
 * signature's name, or — past the scanner's limit ({@code SCAN_MAX_BYTES}, clamd's StreamMaxLength)
 * — {@code UNSCANNABLE}, a failure with its reason, never a silent clean. clamd unreachable is
 * transient: the file is tried again, then dead-lettered with that reason. An infected upload is
 * quarantined ({@link Quarantine}: tagged, copied to QUARANTINE_BUCKET, removed unless
 * QUARANTINE_REMOVE is false).
 */
public class ScanHandler extends ProcessorHandler {
  public ScanHandler() {
    super(new ScanProcessor(System.getenv()));
  }

  public ScanHandler(Map<String, String> env) {
    super(new ScanProcessor(env), env);
  }

  static final class ScanProcessor implements Processor {
    /** The signatures clamd gives an archive or document it cannot decrypt (AlertEncrypted). */
    static final String ENCRYPTED = "Heuristics.Encrypted.";

    private final Clamd clamd;
    private final long maxBytes;
    private final Quarantine quarantine;

    ScanProcessor(Map<String, String> env) {
      this.clamd =
          new Clamd(
              env.getOrDefault("CLAMD_ADDRESS", "tcp://127.0.0.1:3310"), Duration.ofSeconds(60));
      this.maxBytes = Long.parseLong(env.getOrDefault("SCAN_MAX_BYTES", "104857600"));
      this.quarantine = new Quarantine(env);
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
      } catch (NoSuchKeyException gone) {
        // an earlier attempt may have quarantined it and been killed before recording so
        Optional<String> signature = quarantine.alreadyQuarantined(input);
        if (signature.isEmpty()) {
          throw gone;
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("scanVerdict", Clamd.Verdict.INFECTED.name());
        metadata.put("signature", signature.get());
        metadata.put("engine", engine);
        metadata.put("note", "quarantined by an earlier attempt that did not record it");
        return new Result(List.of(), metadata);
      }
      if (reply.verdict() == Clamd.Verdict.UNSCANNABLE) {
        throw unscannable("clamd: " + reply.text());
      }
      if (reply.verdict() == Clamd.Verdict.INFECTED
          && reply.signature() != null
          && reply.signature().startsWith(ENCRYPTED)) {
        // clamd's AlertEncrypted: it could not look inside, which is not a virus found
        throw unscannable("encrypted (" + reply.signature() + "): its content cannot be scanned");
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put("scanVerdict", reply.verdict().name());
      if (reply.signature() != null) {
        metadata.put("signature", reply.signature());
      }
      metadata.put("engine", engine);
      if (reply.verdict() == Clamd.Verdict.INFECTED) {
        metadata.putAll(quarantine.isolate(input, reply.signature()));
      }
      return new Result(List.of(), metadata);
    }

    private static PermanentFailure unscannable(String why) {
      return new PermanentFailure("UNSCANNABLE", "not scanned, so not known to be clean: " + why);
    }
  }
}
