package dev.s3proc.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.core.config.S3Events.Handling;
import org.junit.jupiter.api.Test;

class S3EventsTest {
  @Test
  void everyEventTypeHasOneHandlingOrNone() {
    assertThat(S3Events.handling("ObjectCreated:Put")).isEqualTo(Handling.PROCESS);
    assertThat(S3Events.handling("s3:ObjectRestore:Completed")).isEqualTo(Handling.PROCESS);
    assertThat(S3Events.handling("s3:ObjectRemoved:DeleteMarkerCreated"))
        .isEqualTo(Handling.REMOVE);
    assertThat(S3Events.handling("LifecycleExpiration:Delete")).isEqualTo(Handling.REMOVE);
    assertThat(S3Events.handling("s3:ObjectRestore:Post")).isEqualTo(Handling.RECORD);
    assertThat(S3Events.handling("s3:Replication:OperationMissedThreshold"))
        .isEqualTo(Handling.RECORD);
    assertThat(S3Events.handling("s3:ObjectTagging:Put")).isNull();
    assertThat(S3Events.handling("s3:LifecycleTransition")).isNull();
    assertThat(S3Events.handling(null)).as("a Step Functions task").isEqualTo(Handling.PROCESS);
  }

  @Test
  void aWildcardIsHandledOnlyWhenEveryTypeItCoversIs() {
    assertThat(S3Events.processorHandles("s3:ObjectRestore:*")).isTrue();
    assertThat(S3Events.processorHandles("s3:Replication:*")).isTrue();
    assertThat(S3Events.processorHandles("s3:LifecycleExpiration:*")).isTrue();
    assertThat(S3Events.processorHandles("s3:ObjectAcl:Put")).isFalse();
    assertThat(S3Events.processorHandles("s3:IntelligentTiering")).isFalse();
  }
}
