package dev.s3proc.handlers.image;

import dev.s3proc.handlers.testing.FirstEventClassList;
import dev.s3proc.handlers.testing.HandlerHarness;
import org.junit.jupiter.api.Test;

/** The image jar's list of its first event's classes, which a cold start preloads. */
class FirstEventClassesIT {
  final HandlerHarness h = new HandlerHarness();
  final FirstEventClassList list = new FirstEventClassList(h);

  @Test
  void theJarListsWhatItsFirstEventLoads() throws Exception {
    list.check(
        ImageHandler.class.getName(),
        h.env(false),
        "uploads/images/first.png",
        Images.photo(64, 48, "png"));
  }

  @Test
  void aColdStartLoadsTheListOffTheEventsThread() throws Exception {
    list.preloads(
        ImageHandler.class.getName(),
        h.env(false),
        "uploads/images/cold.jpg",
        Images.photo(64, 48, "jpg"));
  }
}
