package dev.s3proc.handlers.pii;

import dev.s3proc.handlers.testing.FirstEventClassList;
import dev.s3proc.handlers.testing.HandlerHarness;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The PII jar's list of its first event's classes, which a cold start preloads. */
class FirstEventClassesIT {
  static final byte[] CSV =
      "id,name,email,phone\n1,Ada,ada@example.com,(212) 736-5000\n"
          .getBytes(StandardCharsets.UTF_8);
  final HandlerHarness h = new HandlerHarness();
  final FirstEventClassList list = new FirstEventClassList(h);

  Map<String, String> env() {
    h.s3.createBucket(r -> r.bucket(PiiHandlerIT.OUTPUTS));
    return HandlerHarness.with(h.env(false), "OUTPUT_BUCKET", PiiHandlerIT.OUTPUTS);
  }

  @Test
  void theJarListsWhatItsFirstEventLoads() throws Exception {
    list.check(PiiHandler.class.getName(), env(), "uploads/compliance/a.csv", CSV);
  }

  @Test
  void aColdStartLoadsTheListOffTheEventsThread() throws Exception {
    list.preloads(PiiHandler.class.getName(), env(), "uploads/compliance/b.csv", CSV);
  }
}
