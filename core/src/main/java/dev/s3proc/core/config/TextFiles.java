package dev.s3proc.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a configuration file as UTF-8 text, never more than a cap: a configuration file is a few
 * kilobytes, and /dev/zero or a misplaced multi-gigabyte file must be refused, not read.
 */
public final class TextFiles {
  /** Why a file was refused, in words for the user. */
  public static final class Refused extends IOException {
    Refused(String message) {
      super(message);
    }
  }

  private TextFiles() {}

  public static String read(Path path, int maxBytes) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw new Refused(
            "the file is over "
                + (maxBytes >> 10)
                + " KiB, and a configuration file is a few kilobytes: is it the right file?");
      }
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new Refused("the file is not UTF-8 text: is it the right file?");
    }
  }
}
