package io.labelledger.upload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The duration of a RIFF/WAVE file from its headers: the {@code data} chunk's length over the
 * {@code fmt } chunk's byte rate. Walks the chunk list (reading 8 bytes per chunk, skipping bodies),
 * so its cost does not depend on the file's size. A chunk announced longer than the file is a
 * truncated file.
 */
final class WavReader {
  private WavReader() {}

  static double seconds(Path file) throws IOException, MediaException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      ByteBuffer header = read(in, 0, 12);
      if (header == null || header.getInt(0) != 0x46464952 /* RIFF */ || header.getInt(8) != 0x45564157 /* WAVE */) {
        throw MediaException.malformed("no RIFF/WAVE header");
      }
      long byteRate = -1;
      long position = 12;
      while (position + 8 <= size) {
        ByteBuffer chunk = read(in, position, 8);
        int id = chunk.getInt(0);
        long length = Integer.toUnsignedLong(chunk.getInt(4));
        long body = position + 8;
        if (id == 0x20746d66 /* "fmt " */) {
          if (length < 16 || body + 16 > size) {
            throw MediaException.truncated("the fmt chunk is cut short");
          }
          ByteBuffer fmt = read(in, body, 16);
          byteRate = Integer.toUnsignedLong(fmt.getInt(8));
          if (byteRate == 0) {
            throw MediaException.malformed("a byte rate of 0 in the fmt chunk");
          }
        } else if (id == 0x61746164 /* "data" */) {
          if (byteRate < 0) {
            throw MediaException.malformed("the data chunk comes before the fmt chunk");
          }
          if (body + length > size) {
            throw MediaException.truncated("the data chunk announces " + length + " bytes, the file holds "
                + (size - body));
          }
          return (double) length / byteRate;
        }
        position = body + length + (length & 1); // chunks are padded to an even length
      }
      throw position > size ? MediaException.truncated("a chunk runs past the end of the file")
          : MediaException.malformed("no data chunk");
    }
  }

  private static ByteBuffer read(FileChannel in, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (buffer.hasRemaining()) {
      if (in.read(buffer, position + buffer.position()) < 0) {
        return null;
      }
    }
    return buffer.flip();
  }
}
