package dev.s3proc.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites the shaded CLI jar's classes of the given packages that are older than Java 6's class
 * format (picocli is compiled for Java 5) to Java 8's, with stack map frames computed. The JVM's
 * AOT cache cannot link classes that old, so without this every cold command loaded picocli's ~170
 * classes from the jar and verified them (~55 ms a command, measured). Runs in the build after the
 * shade plugin; nothing else in the jar changes.
 *
 * <p>usage: ClassFileUpgrade JAR PACKAGE_PREFIX...
 */
public final class ClassFileUpgrade {
  private ClassFileUpgrade() {}

  public static void main(String[] args) throws IOException {
    Path jar = Path.of(args[0]);
    Path tmp = jar.resolveSibling(jar.getFileName() + ".upgrading");
    int upgraded = 0;
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
        OutputStream file = Files.newOutputStream(tmp);
        ZipOutputStream out = new ZipOutputStream(file)) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        byte[] bytes = in.readAllBytes();
        if (entry.getName().endsWith(".class") && inPackages(entry.getName(), args)) {
          byte[] upgradedBytes = upgrade(bytes);
          upgraded += upgradedBytes == bytes ? 0 : 1;
          bytes = upgradedBytes;
        }
        ZipEntry copy = new ZipEntry(entry.getName());
        copy.setTime(entry.getTime());
        out.putNextEntry(copy);
        out.write(bytes);
        out.closeEntry();
      }
    }
    Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
    System.out.println("upgraded " + upgraded + " class files in " + jar.getFileName());
  }

  private static boolean inPackages(String name, String[] args) {
    for (int i = 1; i < args.length; i++) {
      if (name.startsWith(args[i].replace('.', '/') + "/")) {
        return true;
      }
    }
    return false;
  }

  private static byte[] upgrade(byte[] bytes) {
    ClassReader reader = new ClassReader(bytes);
    int major = reader.readUnsignedShort(6);
    if (major >= Opcodes.V1_6) {
      return bytes;
    }
    ClassWriter writer =
        new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
          @Override
          protected ClassLoader getClassLoader() {
            return ClassFileUpgrade.class.getClassLoader();
          }
        };
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public void visit(
              int version,
              int access,
              String name,
              String signature,
              String superName,
              String[] interfaces) {
            super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
          }
        },
        ClassReader.SKIP_FRAMES);
    return writer.toByteArray();
  }
}
