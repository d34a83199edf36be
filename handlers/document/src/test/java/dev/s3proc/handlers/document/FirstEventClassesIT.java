package dev.s3proc.handlers.document;

import dev.s3proc.handlers.testing.FirstEventClassList;
import dev.s3proc.handlers.testing.HandlerHarness;
import org.junit.jupiter.api.Test;

/** The document jar's list of its first event's classes, which a cold start preloads. */
class FirstEventClassesIT {
  final HandlerHarness h = new HandlerHarness();
  final FirstEventClassList list = new FirstEventClassList(h);

  @Test
  void theJarListsWhatItsFirstEventLoads() throws Exception {
    byte[] pdf = Pdfs.document(1, "First", "s3proc", null);
    list.check(DocumentHandler.class.getName(), h.env(false), "uploads/documents/a.pdf", pdf);
  }

  @Test
  void aColdStartLoadsTheListOffTheEventsThread() throws Exception {
    byte[] pdf = Pdfs.document(2, "Cold", "s3proc", null);
    list.preloads(DocumentHandler.class.getName(), h.env(false), "uploads/documents/b.pdf", pdf);
  }
}
