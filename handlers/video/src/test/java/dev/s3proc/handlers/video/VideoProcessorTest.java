package dev.s3proc.handlers.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3proc.handlers.runtime.PermanentFailure;
import dev.s3proc.handlers.video.VideoHandler.VideoProcessor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the video processor reads of ffprobe's answer, and the renditions it chooses. */
class VideoProcessorTest {
  @Test
  void renditionsAreNeverUpscaled() {
    assertThat(VideoProcessor.heights(2160)).containsExactly(720, 480);
    assertThat(VideoProcessor.heights(720)).containsExactly(720, 480);
    assertThat(VideoProcessor.heights(640)).containsExactly(480);
    assertThat(VideoProcessor.heights(361)).as("an odd height, kept even").containsExactly(360);
  }

  @Test
  void frameRatesAreRatios() {
    assertThat(VideoProcessor.frameRate("30000/1001")).isEqualTo("29.97");
    assertThat(VideoProcessor.frameRate("25/1")).isEqualTo("25.00");
    assertThat(VideoProcessor.frameRate("0/0")).isEmpty();
    assertThat(VideoProcessor.frameRate("")).isEmpty();
  }

  @Test
  void aPortraitClipIsDescribedAsShownAndCoverArtIsNotTheVideo() throws Exception {
    String probe =
        """
        {"streams": [
          {"codec_type": "video", "codec_name": "mjpeg", "width": 600, "height": 600,
           "disposition": {"attached_pic": 1}},
          {"codec_type": "video", "codec_name": "hevc", "width": 1920, "height": 1080,
           "avg_frame_rate": "30000/1001",
           "side_data_list": [{"side_data_type": "Display Matrix", "rotation": -90}]},
          {"codec_type": "audio", "codec_name": "aac"}],
         "format": {"format_name": "mov,mp4,m4a,3gp,3g2,mj2", "duration": "12.345", "bit_rate": "8000000"}}
        """;
    assertThat(VideoProcessor.describe(probe))
        .containsEntry("videoCodec", "hevc")
        .containsEntry("width", "1080")
        .containsEntry("height", "1920")
        .containsEntry("rotation", "-90")
        .containsEntry("frameRate", "29.97")
        .containsEntry("durationSeconds", "12.345")
        .containsEntry("audioCodec", "aac")
        .containsEntry("bitrate", "8000000");
  }

  @Test
  void audioOnlyIsUnsupportedWithItsContainer() {
    String probe =
        """
        {"streams": [{"codec_type": "audio", "codec_name": "mp3"}],
         "format": {"format_name": "mp3"}}
        """;
    assertThatThrownBy(() -> VideoProcessor.describe(probe))
        .isInstanceOf(PermanentFailure.class)
        .hasMessageContaining("no video stream in it (container mp3)")
        .extracting(e -> ((PermanentFailure) e).type())
        .isEqualTo("UNSUPPORTED");
  }

  @Test
  void theEncoderSettingsAreH264MainAacAndFastStart() {
    assertThat(VideoProcessor.settings(480, true))
        .containsSequence("-vf", "scale=-2:480")
        .containsSequence("-c:v", "libx264")
        .containsSequence("-profile:v", "main")
        .containsSequence("-c:a", "aac")
        .containsSequence("-movflags", "+faststart");
    assertThat(VideoProcessor.settings(480, false)).doesNotContain("-c:a");
  }

  @Test
  void aMissingToolFailsTheStepSayingWhatToInstall() {
    Ffmpeg none = new Ffmpeg(java.nio.file.Path.of("/nonexistent"));
    assertThatThrownBy(
            () -> none.run("ffprobe", List.of("-version"), java.time.Instant.now().plusSeconds(5)))
        .isInstanceOf(PermanentFailure.class)
        .hasMessageContaining("ffprobe is not installed on this worker (FFMPEG_HOME=/nonexistent)")
        .hasMessageContaining("apt-get install ffmpeg");
  }
}
