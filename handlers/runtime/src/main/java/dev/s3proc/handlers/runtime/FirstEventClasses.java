package dev.s3proc.handlers.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the classes a handler's first event needs, on a thread of its own, from the moment the
 * runtime's classes are initialized. A cold start is mostly class loading on the main thread (the
 * SDK's clients, its JSON and XML protocols, the codecs); read and defined here, ahead of the main
 * thread, they are found loaded when it gets to them. Classes are loaded, not initialized: their
 * static set-up still runs where and when the code first uses them, in the order it always did.
 *
 * <p>The list is each handler jar's {@value #RESOURCE}, written by a first event recorded on moto
 * ({@code FirstEventClassesIT} in each handler module checks it and writes it again). A name that
 * is no longer in the jar is skipped: a stale list costs speed, never correctness. Under SnapStart
 * the snapshot is taken after the loading has finished ({@link ProcessorHandler#beforeCheckpoint}),
 * so a restored function finds the first event's classes loaded.
 */
final class FirstEventClasses {
  static final String RESOURCE = "META-INF/s3proc/first-event.classes";

  /** {@code -Ds3proc.preload=false} turns it off (to record the list, or to compare). */
  static final String SWITCH = "s3proc.preload";

  private static Thread loader;

  private FirstEventClasses() {}

  /**
   * Starts loading the listed classes, once per JVM. The list is read on the loading thread too,
   * off the handler's path; without a list the thread ends at once.
   */
  static synchronized void preload() {
    if (loader != null || "false".equals(System.getProperty(SWITCH))) {
      return;
    }
    ClassLoader classes = FirstEventClasses.class.getClassLoader();
    loader =
        new Thread(
            () -> {
              for (String name : read(classes)) {
                try {
                  Class.forName(name, false, classes);
                } catch (ClassNotFoundException | LinkageError e) {
                  // not in this jar any more: the code loads what it needs itself
                }
              }
            },
            "s3proc-preload");
    loader.setDaemon(true);
    loader.start();
  }

  /** Waits for the loading to finish, at most {@code max}; true when it has. */
  static boolean await(Duration max) throws InterruptedException {
    Thread t;
    synchronized (FirstEventClasses.class) {
      t = loader;
    }
    if (t == null) {
      return true;
    }
    t.join(max.toMillis());
    return !t.isAlive();
  }

  private static List<String> read(ClassLoader classes) {
    List<String> names = new ArrayList<>();
    try (InputStream in = classes.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return names;
      }
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        line = line.strip();
        if (!line.isEmpty() && !line.startsWith("#")) {
          names.add(line);
        }
      }
    } catch (IOException e) {
      // unreadable list: nothing is preloaded, the code loads what it needs itself
    }
    return names;
  }
}
