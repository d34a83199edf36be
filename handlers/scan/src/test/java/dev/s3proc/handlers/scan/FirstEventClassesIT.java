package dev.s3proc.handlers.scan;

import dev.s3proc.handlers.testing.FirstEventClassList;
import dev.s3proc.handlers.testing.HandlerHarness;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scan jar's list of its first event's classes, which a cold start preloads (the scan function
 * is a container image: no SnapStart).
 */
class FirstEventClassesIT {
  static final byte[] NOTE = "nothing to see\n".getBytes(StandardCharsets.UTF_8);
  final HandlerHarness h = new HandlerHarness();
  final FirstEventClassList list = new FirstEventClassList(h);

  Map<String, String> env() throws Exception {
    return HandlerHarness.with(h.env(false), "CLAMD_ADDRESS", TestClamd.shared().address());
  }

  @Test
  void theJarListsWhatItsFirstEventLoads() throws Exception {
    list.check(ScanHandler.class.getName(), env(), "uploads/compliance/a.txt", NOTE);
  }

  @Test
  void aColdStartLoadsTheListOffTheEventsThread() throws Exception {
    list.preloads(ScanHandler.class.getName(), env(), "uploads/compliance/b.txt", NOTE);
  }
}
