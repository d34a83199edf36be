package dev.s3proc.cli.testing;

import dev.s3proc.cli.GlobalOptions;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.local.LocalState;
import dev.s3proc.core.testing.MotoProcess;
import java.nio.file.Path;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import picocli.CommandLine;

/**
 * ElasticMQ embedded on a free 127.0.0.1 port, once per test JVM, emptied before each test. The
 * CLI's SQS is pointed at it the way a user would, with the SDK's service-specific endpoint setting
 * (AWS_ENDPOINT_URL_SQS, here as the aws.endpointUrlSqs system property), while every other service
 * goes to moto (aws.endpointUrl).
 */
public final class ElasticMq implements BeforeEachCallback, AfterEachCallback {
  public static final String ACCOUNT = "123456789012";
  private static String endpoint;
  private static SQSRestServer server;

  public static synchronized String endpoint() {
    if (endpoint == null) {
      int port = MotoProcess.freePort();
      server =
          SQSRestServerBuilder.withInterface("127.0.0.1")
              .withPort(port)
              .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
              .withAWSRegion("us-east-1")
              .withAWSAccountId(ACCOUNT)
              .start();
      server.waitUntilStarted();
      endpoint = "http://127.0.0.1:" + port;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stopAndGetFuture()));
    }
    return endpoint;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Moto.endpoint();
    System.setProperty("aws.endpointUrlSqs", endpoint());
    System.setProperty("aws.endpointUrl", Moto.endpoint());
    try (ClientFactory c = clients()) {
      c.sqs().listQueues().queueUrls().forEach(u -> c.sqs().deleteQueue(r -> r.queueUrl(u)));
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    System.clearProperty("aws.endpointUrlSqs");
    System.clearProperty("aws.endpointUrl");
  }

  /** SQS clients on ElasticMQ for the test's own setup and checks. */
  public static ClientFactory clients() {
    GlobalOptions options = new GlobalOptions();
    new CommandLine(options).parseArgs("--endpoint-url", endpoint(), "--region", "us-east-1");
    return new ClientFactory(options, new LocalState(Path.of("target", "no-local-state")));
  }
}
