package dev.s3proc.cli.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.testing.Cli;
import dev.s3proc.cli.testing.Moto;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;

/** dlq on moto, with the S3 event bodies moto itself delivers and the alarms rules apply made. */
@ExtendWith(Moto.class)
class DlqMotoIT {
  ClientFactory aws;
  final Cli cli = new Cli();

  @BeforeEach
  void setUp() {
    aws = Moto.clients();
  }

  @AfterEach
  void tearDown() {
    aws.close();
  }

  Cli.Result s3proc(String... args) {
    return Moto.run(cli, args);
  }

  @Test
  void listPeekAndRedriveAnEventMotoDelivered() {
    aws.s3().createBucket(r -> r.bucket("terminus-uploads"));
    aws.s3().createBucket(r -> r.bucket("terminus-processed"));
    aws.s3().createBucket(r -> r.bucket("terminus-quarantine"));
    assertThat(s3proc("rules", "apply", "-f", "../config/pipeline.yaml", "--yes").exitCode())
        .isZero();
    String key = "uploads/images/my photo é+1.jpg";
    aws.s3().putObject(r -> r.bucket("terminus-uploads").key(key), RequestBody.fromString("jpeg?"));

    String source = aws.sqs().getQueueUrl(r -> r.queueName("image-processing")).queueUrl();
    String dlq = aws.sqs().getQueueUrl(r -> r.queueName("image-processing-dlq")).queueUrl();
    List<Message> delivered =
        aws.sqs().receiveMessage(r -> r.queueUrl(source).maxNumberOfMessages(10)).messages();
    Message event =
        delivered.stream()
            .filter(m -> m.body().contains("ObjectCreated"))
            .findFirst()
            .orElseThrow();
    aws.sqs().sendMessage(r -> r.queueUrl(dlq).messageBody(event.body()));
    delivered.forEach(
        m -> aws.sqs().deleteMessage(r -> r.queueUrl(source).receiptHandle(m.receiptHandle())));

    Cli.Result list = s3proc("dlq", "list");
    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(list.out())
        .containsPattern("image-processing-dlq +1 +0 +>=\\d+s +image-processing +OK");
    assertThat(list.out())
        .containsPattern("document-processing-dlq +0 +0 +- +document-processing +OK");

    Cli.Result peek = s3proc("dlq", "peek", "image-processing-dlq");
    assertThat(peek.out()).contains("s3://terminus-uploads/" + key, "s3:ObjectCreated:Put");

    Cli.Result redrive = s3proc("dlq", "redrive", "image-processing-dlq", "--yes", "-o", "json");
    assertThat(redrive.exitCode()).as(redrive.toString()).isZero();
    assertThat(redrive.out()).contains("\"mode\" : \"client\"", "\"moved\" : 1");
    List<Message> back =
        aws.sqs().receiveMessage(r -> r.queueUrl(source).maxNumberOfMessages(10)).messages();
    assertThat(back).singleElement().extracting(Message::body).isEqualTo(event.body());

    Cli.Result forcedNative =
        s3proc("dlq", "redrive", "image-processing-dlq", "--mode", "native", "--yes");
    assertThat(forcedNative.exitCode()).isEqualTo(1);
    assertThat(forcedNative.err())
        .contains("does not support message move tasks (moto does not): use --mode client");
  }
}
