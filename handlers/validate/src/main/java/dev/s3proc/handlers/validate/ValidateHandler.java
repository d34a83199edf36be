package dev.s3proc.handlers.validate;

import dev.s3proc.handlers.runtime.Input;
import dev.s3proc.handlers.runtime.PermanentFailure;
import dev.s3proc.handlers.runtime.Processor;
import dev.s3proc.handlers.runtime.ProcessorHandler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Lambda handler {@code dev.s3proc.handlers.validate.ValidateHandler::handleRequest}: content type
 * against extension, size limits, SHA-256, recorded in the audit trail.
 */
public class ValidateHandler extends ProcessorHandler {
  public ValidateHandler() {
    super(new ValidateProcessor());
  }

  public ValidateHandler(Map<String, String> env) {
    super(new ValidateProcessor(), env);
  }

  static final class ValidateProcessor implements Processor {
    private final ContentValidator validator = new ContentValidator();

    @Override
    public String name() {
      return "validate";
    }

    @Override
    public Result process(Input input) throws PermanentFailure, IOException {
      try (InputStream in = input.open()) {
        ContentValidator.Verdict v =
            validator.validate(in, input.key(), input.config().maxObjectBytes());
        return new Result(
            List.of(),
            Map.of(
                "contentType",
                v.contentType(),
                "sha256",
                v.sha256(),
                "bytes",
                Long.toString(v.bytes())));
      }
    }

    /** Tika's type registry and a SHA-256 over a few bytes of PDF. */
    @Override
    public void warmUp() throws Exception {
      byte[] pdf =
          "%PDF-1.7\n%\u00e2\u00e3\n1 0 obj<<>>endobj\n".getBytes(StandardCharsets.ISO_8859_1);
      validator.validate(new ByteArrayInputStream(pdf), "warm-up.pdf", 1024);
    }
  }
}
