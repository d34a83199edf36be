package dev.s3proc.handlers.runtime;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Invokes a handler of this jar on an event file, as Lambda would, and prints its response (the
 * tests use its context object too): {@code java -cp s3proc-image-handler.jar
 * dev.s3proc.handlers.runtime.LocalInvoke dev.s3proc.handlers.image.ImageHandler event.json}. AWS
 * settings come from the environment (AWS_ENDPOINT_URL for an emulator).
 */
public final class LocalInvoke {
  private LocalInvoke() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: LocalInvoke HANDLER_CLASS EVENT.json");
      System.exit(2);
    }
    RequestStreamHandlerFactory factory =
        () ->
            (com.amazonaws.services.lambda.runtime.RequestStreamHandler)
                Class.forName(args[0]).getDeclaredConstructor().newInstance();
    var handler = factory.create();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
      handler.handleRequest(
          in,
          out,
          new Invocation(
              Integer.parseInt(
                  System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024"))));
    }
    System.out.println(out.toString(StandardCharsets.UTF_8));
  }

  interface RequestStreamHandlerFactory {
    com.amazonaws.services.lambda.runtime.RequestStreamHandler create() throws Exception;
  }

  /**
   * The context of one local invocation.
   *
   * @param deadlineMillis when the invocation's time is up (epoch ms), as Lambda's timeout
   * @param vcpu the vCPUs of the heavy worker's Fargate task; 0 for a Lambda stand-in
   */
  public record Invocation(int memoryMb, long deadlineMillis, double vcpu) implements Context {
    /** An invocation with Lambda's longest timeout, 15 minutes, from now. */
    public Invocation(int memoryMb) {
      this(memoryMb, System.currentTimeMillis() + 900_000);
    }

    /** A Lambda stand-in's invocation. */
    public Invocation(int memoryMb, long deadlineMillis) {
      this(memoryMb, deadlineMillis, 0);
    }

    @Override
    public String getAwsRequestId() {
      return "local-" + UUID.randomUUID();
    }

    @Override
    public String getLogGroupName() {
      return "local";
    }

    @Override
    public String getLogStreamName() {
      return "local";
    }

    @Override
    public String getFunctionName() {
      return "local";
    }

    @Override
    public String getFunctionVersion() {
      return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
      return "local";
    }

    @Override
    public CognitoIdentity getIdentity() {
      return null;
    }

    @Override
    public ClientContext getClientContext() {
      return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
      return (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
      return memoryMb;
    }

    @Override
    public LambdaLogger getLogger() {
      return new LambdaLogger() {
        @Override
        public void log(String message) {
          System.err.println(message);
        }

        @Override
        public void log(byte[] message) {
          System.err.println(new String(message, StandardCharsets.UTF_8));
        }
      };
    }
  }
}
