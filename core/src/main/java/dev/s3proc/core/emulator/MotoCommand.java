package dev.s3proc.core.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How to start moto_server on this machine: through {@code moto_server.py} (moto with its Step
 * Functions executions fixed, see the script) when the Python on the PATH has moto, else the {@code
 * moto_server} command as installed.
 */
public final class MotoCommand {
  private MotoCommand() {}

  /**
   * The command that serves moto on {@code host:port}; the script is written into {@code dir}.
   *
   * @param motoServer the installed moto_server, used when no Python with moto is found
   */
  public static List<String> of(Path motoServer, String host, int port, Path dir)
      throws IOException {
    List<String> command = new ArrayList<>();
    if (pythonHasMoto()) {
      Path script = dir.resolve("s3proc-moto_server.py");
      Files.createDirectories(dir);
      try (InputStream in = MotoCommand.class.getResourceAsStream("moto_server.py")) {
        if (in == null) {
          throw new IOException("moto_server.py is missing from the s3proc jar");
        }
        Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
      }
      try { // it sits among private files (the local stack's state): owner only, as they are
        Files.setPosixFilePermissions(
            script, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: nothing to narrow
      }
      command.addAll(List.of("python3", script.toString()));
    } else {
      command.add(motoServer.toString());
    }
    command.addAll(List.of("-H", host, "-p", Integer.toString(port)));
    return command;
  }

  private static boolean pythonHasMoto() {
    try {
      Process p =
          new ProcessBuilder("python3", "-c", "import moto.server, moto.stepfunctions.models")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
