package dev.s3proc.handlers.validate;

import dev.s3proc.handlers.testing.FirstEventClassList;
import dev.s3proc.handlers.testing.HandlerHarness;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The validate jar's list of its first event's classes, which a cold start preloads. */
class FirstEventClassesIT {
  static final byte[] PDF =
      "%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
  final HandlerHarness h = new HandlerHarness();
  final FirstEventClassList list = new FirstEventClassList(h);

  @Test
  void theJarListsWhatItsFirstEventLoads() throws Exception {
    list.check(ValidateHandler.class.getName(), h.env(false), "uploads/documents/a.pdf", PDF);
  }

  @Test
  void aColdStartLoadsTheListOffTheEventsThread() throws Exception {
    list.preloads(ValidateHandler.class.getName(), h.env(false), "uploads/documents/b.pdf", PDF);
  }
}
