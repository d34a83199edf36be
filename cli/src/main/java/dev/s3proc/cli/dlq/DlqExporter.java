package dev.s3proc.cli.dlq;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.s3proc.cli.aws.ClientFactory;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Writes every message of a queue as JSON lines. With delete, a batch is deleted only after its
 * lines were written and forced to disk; otherwise every message is made visible again at the end.
 */
public final class DlqExporter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ClientFactory clients;

  public DlqExporter(ClientFactory clients) {
    this.clients = clients;
  }

  public record Result(String queue, String file, long exported, long deleted) {}

  public Result export(
      QueueRef q, Path file, boolean delete, Duration visibility, LongConsumer progress)
      throws IOException {
    var sqs = clients.sqs();
    Map<String, Message> held = new LinkedHashMap<>();
    long exported = 0;
    long deleted = 0;
    // created new and private: the messages name what users uploaded
    if (java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      java.nio.file.Files.createFile(
          file,
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    } else {
      java.nio.file.Files.createFile(file);
    }
    try (FileOutputStream fos = new FileOutputStream(file.toFile(), false);
        OutputStream out = new java.io.BufferedOutputStream(fos)) {
      int empty = 0;
      while (empty < 2) {
        List<Message> batch =
            sqs.receiveMessage(
                    r ->
                        r.queueUrl(q.url())
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(1)
                            .visibilityTimeout((int) visibility.toSeconds())
                            .messageSystemAttributeNamesWithStrings("All")
                            .messageAttributeNames("All"))
                .messages();
        if (batch.isEmpty()) {
          empty++;
          continue;
        }
        empty = 0;
        List<Message> fresh = new ArrayList<>();
        for (Message m : batch) {
          if (held.put(m.messageId(), m) == null) {
            fresh.add(m);
          }
        }
        for (Message m : fresh) {
          out.write(JSON.writeValueAsBytes(line(m)));
          out.write('\n');
        }
        out.flush();
        fos.getFD().sync();
        exported += fresh.size();
        if (delete && !fresh.isEmpty()) {
          List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
          for (int i = 0; i < fresh.size(); i++) {
            entries.add(
                DeleteMessageBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .receiptHandle(fresh.get(i).receiptHandle())
                    .build());
          }
          var result = sqs.deleteMessageBatch(r -> r.queueUrl(q.url()).entries(entries));
          deleted += result.successful().size();
          result
              .successful()
              .forEach(ok -> held.remove(fresh.get(Integer.parseInt(ok.id())).messageId()));
        }
        progress.accept(fresh.size());
      }
    } finally {
      new DlqInspector(clients).release(q, new ArrayList<>(held.values()));
    }
    return new Result(q.name(), file.toString(), exported, deleted);
  }

  private static ObjectNode line(Message m) {
    ObjectNode n = JSON.createObjectNode();
    n.put("messageId", m.messageId());
    n.put("md5OfBody", m.md5OfBody());
    n.put("body", m.body());
    ObjectNode attributes = n.putObject("attributes");
    m.attributesAsStrings().forEach(attributes::put);
    ObjectNode messageAttributes = n.putObject("messageAttributes");
    m.messageAttributes()
        .forEach(
            (k, v) -> {
              ObjectNode a = messageAttributes.putObject(k);
              a.put("dataType", v.dataType());
              if (v.stringValue() != null) {
                a.put("stringValue", v.stringValue());
              }
              if (v.binaryValue() != null) {
                a.put(
                    "binaryValue",
                    Base64.getEncoder().encodeToString(v.binaryValue().asByteArray()));
              }
            });
    return n;
  }
}
