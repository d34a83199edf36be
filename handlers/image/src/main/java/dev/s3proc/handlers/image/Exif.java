package dev.s3proc.handlers.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import org.w3c.dom.Node;

/**
 * The few EXIF fields an operator looks for — camera make and model, when it was taken, its
 * orientation — read from a JPEG's APP1 segment as ImageIO hands it over, before any pixel is
 * decoded. Anything malformed is ignored: EXIF is a nicety, never a reason to fail a file.
 */
final class Exif {
  private static final int MAKE = 0x010F;
  private static final int MODEL = 0x0110;
  private static final int ORIENTATION = 0x0112;
  private static final int DATE_TIME = 0x0132;
  private static final int EXIF_IFD = 0x8769;
  private static final int DATE_TIME_ORIGINAL = 0x9003;

  private Exif() {}

  static Map<String, String> read(IIOMetadata metadata) {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      if (metadata == null
          || !"javax_imageio_jpeg_image_1.0".equals(metadata.getNativeMetadataFormatName())) {
        return out;
      }
      Node root = metadata.getAsTree("javax_imageio_jpeg_image_1.0");
      for (Node n = find(root, "markerSequence"); n != null; n = null) {
        for (Node m = n.getFirstChild(); m != null; m = m.getNextSibling()) {
          if ("unknown".equals(m.getNodeName())
              && "225".equals(attribute(m, "MarkerTag"))
              && ((IIOMetadataNode) m).getUserObject() instanceof byte[] app1) {
            parse(app1, out);
          }
        }
      }
    } catch (RuntimeException e) {
      out.clear(); // malformed EXIF: ignore it
    }
    return out;
  }

  static void parse(byte[] app1, Map<String, String> out) {
    if (app1.length < 14 || !new String(app1, 0, 4, StandardCharsets.US_ASCII).equals("Exif")) {
      return;
    }
    ByteBuffer tiff = ByteBuffer.wrap(app1, 6, app1.length - 6).slice();
    tiff.order(tiff.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    int ifd0 = tiff.getInt(4);
    int exifIfd = entries(tiff, ifd0, out);
    if (exifIfd > 0) {
      entries(tiff, exifIfd, out);
    }
  }

  /** Reads the tags of one IFD into {@code out}; returns the EXIF sub-IFD offset, or 0. */
  private static int entries(ByteBuffer tiff, int offset, Map<String, String> out) {
    int exif = 0;
    int count = Short.toUnsignedInt(tiff.getShort(offset));
    for (int i = 0; i < count && i < 500; i++) {
      int e = offset + 2 + i * 12;
      int tag = Short.toUnsignedInt(tiff.getShort(e));
      int type = Short.toUnsignedInt(tiff.getShort(e + 2));
      int n = tiff.getInt(e + 4);
      switch (tag) {
        case MAKE -> out.put("cameraMake", ascii(tiff, e, n));
        case MODEL -> out.put("cameraModel", ascii(tiff, e, n));
        case DATE_TIME -> out.putIfAbsent("takenAt", ascii(tiff, e, n));
        case DATE_TIME_ORIGINAL -> out.put("takenAt", ascii(tiff, e, n));
        case ORIENTATION ->
            out.put(
                "orientation",
                Integer.toString(
                    type == 3 ? Short.toUnsignedInt(tiff.getShort(e + 8)) : tiff.getInt(e + 8)));
        case EXIF_IFD -> exif = tiff.getInt(e + 8);
        default -> {}
      }
    }
    return exif;
  }

  private static String ascii(ByteBuffer tiff, int entry, int length) {
    int at = length <= 4 ? entry + 8 : tiff.getInt(entry + 8);
    byte[] b = new byte[Math.max(0, Math.min(length, 256))];
    for (int i = 0; i < b.length; i++) {
      b[i] = tiff.get(at + i);
    }
    return new String(b, StandardCharsets.US_ASCII).replace("\0", "").trim();
  }

  private static Node find(Node node, String name) {
    for (Node c = node.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (name.equals(c.getNodeName())) {
        return c;
      }
    }
    return null;
  }

  private static String attribute(Node node, String name) {
    Node a = node.getAttributes() == null ? null : node.getAttributes().getNamedItem(name);
    return a == null ? null : a.getNodeValue();
  }
}
