package dev.s3proc.handlers.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Checks a PNG's structure as its bytes stream past the decoder: the signature, every chunk's CRC,
 * IHDR first and IEND last. The JDK's PNG reader checks none of these, so a damaged file (a wrong
 * CRC in IDAT, a file cut short) decodes to a grey or garbled image; this stream remembers the
 * first fault, so the file can be refused as CORRUPT with what was wrong.
 */
final class PngChunks extends FilterInputStream {
  static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private enum Part {
    SIGNATURE,
    LENGTH,
    TYPE,
    DATA,
    CRC
  }

  private Part part = Part.SIGNATURE;
  private final byte[] field = new byte[8];
  private int filled;
  private long dataLeft;
  private String type = "";
  private final CRC32 crc = new CRC32();
  private int chunks;
  private boolean ended;
  private String fault;

  PngChunks(InputStream in) {
    super(in);
  }

  /** The first fault found so far, or null. */
  String fault() {
    return fault;
  }

  /**
   * Reads what the decoder left (it stops after the image data), then says what is wrong with the
   * whole file, or null when nothing is.
   */
  String finish() throws IOException {
    byte[] rest = new byte[8192];
    while (fault == null && read(rest, 0, rest.length) >= 0) {
      // each read is checked as it passes
    }
    if (fault == null && !ended) {
      fault =
          part == Part.SIGNATURE
              ? "it ends inside its signature"
              : "truncated: it ends "
                  + (type.isEmpty() ? "between chunks" : "inside " + type)
                  + ", before IEND";
    }
    return fault;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      consume(new byte[] {(byte) b}, 0, 1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      consume(b, off, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(n, 8192)];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void consume(byte[] b, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end && fault == null) {
      if (ended) {
        fault = "bytes follow IEND";
        return;
      }
      switch (part) {
        case SIGNATURE, LENGTH, TYPE, CRC -> {
          int want = part == Part.SIGNATURE ? 8 : 4;
          while (i < end && filled < want) {
            field[filled++] = b[i++];
          }
          if (filled == want) {
            filled = 0;
            complete();
          }
        }
        case DATA -> {
          int n = (int) Math.min(dataLeft, end - i);
          crc.update(b, i, n);
          i += n;
          dataLeft -= n;
          if (dataLeft == 0) {
            part = Part.CRC;
          }
        }
      }
    }
  }

  private void complete() {
    switch (part) {
      case SIGNATURE -> {
        for (int k = 0; k < 8; k++) {
          if (field[k] != SIGNATURE[k]) {
            fault = "its signature is damaged (byte " + (k + 1) + ")";
            return;
          }
        }
        part = Part.LENGTH;
      }
      case LENGTH -> {
        dataLeft = Integer.toUnsignedLong(int32());
        if (dataLeft > Integer.MAX_VALUE) {
          fault = "a chunk claims " + dataLeft + " bytes, past PNG's limit";
          return;
        }
        part = Part.TYPE;
      }
      case TYPE -> {
        type = new String(field, 0, 4, StandardCharsets.ISO_8859_1);
        if (!type.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
          fault = "a chunk type is not four letters: the data is damaged";
          return;
        }
        if (chunks++ == 0 && !type.equals("IHDR")) {
          fault = "the first chunk is " + type + ", not IHDR";
          return;
        }
        crc.reset();
        crc.update(field, 0, 4);
        part = dataLeft == 0 ? Part.CRC : Part.DATA;
      }
      case CRC -> {
        if ((int) crc.getValue() != int32()) {
          fault = "bad CRC in " + type;
          return;
        }
        ended = type.equals("IEND");
        part = Part.LENGTH;
        type = "";
      }
      default -> throw new IllegalStateException(part.name());
    }
  }

  private int int32() {
    return ((field[0] & 0xff) << 24)
        | ((field[1] & 0xff) << 16)
        | ((field[2] & 0xff) << 8)
        | (field[3] & 0xff);
  }
}
