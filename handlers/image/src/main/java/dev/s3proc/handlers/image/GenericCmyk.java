package dev.s3proc.handlers.image;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Gives TwelveMonkeys' "generic CMYK" a real profile. A CMYK JPEG with no usable profile of its own
 * was converted with a naive formula (a CMYK navy came out pure RGB blue: 56 levels from libvips'
 * conversion on average); with a CMYK printer profile it is 20. TwelveMonkeys finds the profile by
 * the name in our icc_profiles.properties, which the JDK looks up on java.iccprofile.path: the
 * profile is copied from this jar to a directory put on that path, once per container.
 */
final class GenericCmyk {
  static final String NAME = "s3proc-generic-cmyk.icc";

  private GenericCmyk() {}

  static synchronized void install() {
    try (InputStream profile = GenericCmyk.class.getResourceAsStream("generic-cmyk.icc")) {
      if (profile == null) {
        return; // not packaged: TwelveMonkeys' own approximation, noted as such in the trail
      }
      Path dir = Files.createTempDirectory("s3proc-icc");
      Files.copy(profile, dir.resolve(NAME), StandardCopyOption.REPLACE_EXISTING);
      dir.toFile().deleteOnExit();
      dir.resolve(NAME).toFile().deleteOnExit();
      String path = System.getProperty("java.iccprofile.path");
      System.setProperty(
          "java.iccprofile.path",
          path == null || path.isBlank() ? dir.toString() : path + File.pathSeparator + dir);
    } catch (IOException | SecurityException e) {
      // no writable temp directory: the approximation, noted as such in the trail
    }
  }
}
