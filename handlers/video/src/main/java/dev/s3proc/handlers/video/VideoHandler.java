package dev.s3proc.handlers.video;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.s3proc.core.config.OutputKeys;
import dev.s3proc.core.event.Tree;
import dev.s3proc.handlers.runtime.Input;
import dev.s3proc.handlers.runtime.PermanentFailure;
import dev.s3proc.handlers.runtime.Processor;
import dev.s3proc.handlers.runtime.ProcessorHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The video workflow's steps, {@code dev.s3proc.handlers.video.VideoHandler::handleRequest} on
 * Lambda and the same class in the heavy worker: {@code metadata} (ffprobe: container, duration,
 * codecs, size, frame rate, bitrate, rotation) and {@code transcode} (H.264/AAC MP4 renditions at
 * 720p and 480p, never upscaled, aspect kept, and a poster JPEG). The state machine names the step;
 * the workflow announces the result.
 */
public class VideoHandler extends ProcessorHandler {
  public VideoHandler() {
    super(new VideoProcessor(Ffmpeg.fromEnvironment()));
  }

  public VideoHandler(Map<String, String> env) {
    super(new VideoProcessor(Ffmpeg.fromEnvironment()), env);
  }

  static final class VideoProcessor implements Processor {
    /** The renditions' heights, largest first; none is larger than the source. */
    static final List<Integer> HEIGHTS = List.of(720, 480);

    private final Ffmpeg ffmpeg;

    VideoProcessor(Ffmpeg ffmpeg) {
      this.ffmpeg = ffmpeg;
    }

    @Override
    public String name() {
      return "video";
    }

    @Override
    public Result process(Input input) throws PermanentFailure, IOException {
      if (input.size() == 0) {
        throw PermanentFailure.empty();
      }
      String step = input.step() == null ? "transcode" : input.step();
      Path dir = Files.createTempDirectory("s3proc-video");
      try {
        Path source = dir.resolve("source");
        try (InputStream in = input.open()) {
          Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
        }
        Map<String, String> metadata = probe(source, input);
        return switch (step) {
          case "metadata" -> new Result(List.of(), metadata);
          case "transcode" -> transcode(source, dir, metadata, input);
          default ->
              throw new PermanentFailure(
                  "UNSUPPORTED",
                  "the workflow asked for step '"
                      + step
                      + "', which the video processor does not have (metadata, transcode)");
        };
      } finally {
        try (var files = Files.walk(dir)) {
          files
              .sorted(java.util.Comparator.reverseOrder())
              .forEach(p -> p.toFile().delete()); // best effort: a temp directory
        }
      }
    }

    /** What ffprobe reads of the file; a file it cannot read, or with no video, fails here. */
    Map<String, String> probe(Path source, Input input) throws PermanentFailure, IOException {
      Ffmpeg.Run run =
          ffmpeg.run(
              "ffprobe",
              List.of(
                  "-v",
                  "error",
                  "-print_format",
                  "json",
                  "-show_format",
                  "-show_streams",
                  source.toString()),
              input.deadline());
      if (run.exitCode() != 0) {
        throw new PermanentFailure(
            "CORRUPT",
            "ffprobe cannot read it as a video: "
                + (run.err().isEmpty() ? "exit " + run.exitCode() : run.err()));
      }
      return describe(run.out());
    }

    /** ffprobe's JSON as the trail's metadata. */
    static Map<String, String> describe(String ffprobeJson) throws PermanentFailure, IOException {
      Map<String, Object> root = Tree.object(JSON.std.anyFrom(ffprobeJson));
      Map<String, Object> format = Tree.object(root.get("format"));
      Map<String, Object> video = null;
      Map<String, Object> audio = null;
      for (Object s : Tree.array(root.get("streams"))) {
        Map<String, Object> stream = Tree.object(s);
        String type = Tree.text(stream, "codec_type", "");
        boolean picture =
            Tree.number(Tree.object(stream.get("disposition")), "attached_pic", 0) == 1;
        if (video == null && type.equals("video") && !picture) {
          video = stream;
        } else if (audio == null && type.equals("audio")) {
          audio = stream;
        }
      }
      if (video == null) {
        throw new PermanentFailure(
            "UNSUPPORTED",
            "no video stream in it (container "
                + Tree.text(format, "format_name", "unknown")
                + "): nothing to transcode");
      }
      Map<String, String> m = new LinkedHashMap<>();
      m.put("container", Tree.text(format, "format_name", ""));
      m.put("durationSeconds", Tree.text(format, "duration", Tree.text(video, "duration", "")));
      m.put("videoCodec", Tree.text(video, "codec_name", ""));
      int rotation = rotation(video);
      long w = Tree.number(video, "width", 0);
      long h = Tree.number(video, "height", 0);
      boolean sideways = Math.abs(rotation) % 180 == 90;
      // as displayed: a phone's portrait clip is stored landscape with a rotation
      m.put("width", Long.toString(sideways ? h : w));
      m.put("height", Long.toString(sideways ? w : h));
      m.put("rotation", Integer.toString(rotation));
      m.put("frameRate", frameRate(Tree.text(video, "avg_frame_rate", "")));
      m.put("bitrate", Tree.text(format, "bit_rate", ""));
      m.put("audioCodec", audio == null ? "none" : Tree.text(audio, "codec_name", ""));
      m.values().removeIf(String::isEmpty);
      return m;
    }

    /** Rotation from the display matrix (current ffmpeg) or the rotate tag (older files). */
    static int rotation(Map<String, Object> video) {
      for (Object sd : Tree.array(video.get("side_data_list"))) {
        Map<String, Object> data = Tree.object(sd);
        if (data.containsKey("rotation")) {
          return (int) Tree.number(data, "rotation", 0);
        }
      }
      String tag = Tree.text(Tree.object(video.get("tags")), "rotate", "0");
      try {
        return Integer.parseInt(tag.strip());
      } catch (NumberFormatException e) {
        return 0;
      }
    }

    /** "30000/1001" as 29.97. */
    static String frameRate(String ratio) {
      String[] parts = ratio.split("/");
      try {
        double n = Double.parseDouble(parts[0]);
        double d = parts.length > 1 ? Double.parseDouble(parts[1]) : 1;
        return d == 0 ? "" : String.format(Locale.ROOT, "%.2f", n / d);
      } catch (NumberFormatException e) {
        return "";
      }
    }

    /** The heights to render for a source this tall: never upscaled, at least one. */
    static List<Integer> heights(long sourceHeight) {
      List<Integer> out = new ArrayList<>();
      for (int h : HEIGHTS) {
        if (h <= sourceHeight) {
          out.add(h);
        }
      }
      if (out.isEmpty()) {
        out.add((int) (sourceHeight - sourceHeight % 2)); // H.264 wants even dimensions
      }
      return out;
    }

    /**
     * Renders every rendition and the poster to local files first, then uploads them: a file that
     * fails to transcode leaves no rendition behind.
     */
    private Result transcode(Path source, Path dir, Map<String, String> metadata, Input input)
        throws PermanentFailure, IOException {
      long height = Long.parseLong(metadata.getOrDefault("height", "0"));
      boolean audio = !"none".equals(metadata.get("audioCodec"));
      Map<String, Path> files = new LinkedHashMap<>();
      for (int h : heights(height)) {
        Path out = dir.resolve(h + "p.mp4");
        List<String> args = new ArrayList<>(List.of("-nostdin", "-y", "-v", "error"));
        args.addAll(List.of("-i", source.toString(), "-map", "0:v:0"));
        if (audio) {
          args.addAll(List.of("-map", "0:a:0"));
        }
        args.addAll(settings(h, audio));
        args.add(out.toString());
        fail(ffmpeg.run("ffmpeg", args, input.deadline()), h + "p rendition");
        files.put(h + "p.mp4", out);
      }
      double duration = parse(metadata.get("durationSeconds"));
      Path poster = dir.resolve("poster.jpg");
      fail(
          ffmpeg.run(
              "ffmpeg",
              List.of(
                  "-nostdin",
                  "-y",
                  "-v",
                  "error",
                  "-ss",
                  String.format(Locale.ROOT, "%.2f", Math.min(1.0, duration / 2)),
                  "-i",
                  source.toString(),
                  "-frames:v",
                  "1",
                  "-vf",
                  "scale=-2:'min(ih,720)'",
                  "-q:v",
                  "3",
                  poster.toString()),
              input.deadline()),
          "poster");
      files.put("poster.jpg", poster);
      List<String> outputs = new ArrayList<>();
      for (Map.Entry<String, Path> f : files.entrySet()) {
        outputs.add(
            input.put(
                OutputKeys.video(input.key(), f.getKey()),
                f.getValue(),
                f.getKey().endsWith(".mp4") ? "video/mp4" : "image/jpeg"));
      }
      Map<String, String> m = new LinkedHashMap<>(metadata);
      m.put("renditions", String.join(",", files.keySet()).replace(",poster.jpg", ""));
      return new Result(outputs, m);
    }

    /**
     * The encoder settings of a rendition: H.264 (main profile, CRF 23, yuv420p for every player),
     * AAC 128 kb/s, the moov atom first so that it plays while downloading. The benchmark runs
     * ffmpeg with these same settings.
     */
    static List<String> settings(int height, boolean audio) {
      List<String> s =
          new ArrayList<>(
              List.of(
                  "-vf",
                  "scale=-2:" + height,
                  "-c:v",
                  "libx264",
                  "-preset",
                  "veryfast",
                  "-crf",
                  "23",
                  "-profile:v",
                  "main",
                  "-pix_fmt",
                  "yuv420p"));
      if (audio) {
        s.addAll(List.of("-c:a", "aac", "-b:a", "128k"));
      }
      s.addAll(List.of("-movflags", "+faststart"));
      return s;
    }

    private static void fail(Ffmpeg.Run run, String what) throws PermanentFailure {
      if (run.exitCode() != 0) {
        throw new PermanentFailure(
            "CORRUPT",
            "ffmpeg could not make the "
                + what
                + ": "
                + (run.err().isEmpty() ? "exit " + run.exitCode() : run.err()));
      }
    }

    private static double parse(String s) {
      try {
        return s == null ? 0 : Double.parseDouble(s);
      } catch (NumberFormatException e) {
        return 0;
      }
    }
  }
}
