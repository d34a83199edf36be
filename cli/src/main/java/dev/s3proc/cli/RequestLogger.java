package dev.s3proc.cli;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** With --verbose, one stderr line per AWS call: service, operation, status, time, request id. */
final class RequestLogger implements ExecutionInterceptor {
  private static final ExecutionAttribute<Long> START = new ExecutionAttribute<>("s3proc.start");
  private final Output output;

  RequestLogger(Output output) {
    this.output = output;
  }

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    attributes.putAttribute(START, System.nanoTime());
  }

  @Override
  public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
    if (!output.verbose()) {
      return;
    }
    Long start = attributes.getAttribute(START);
    long ms = start == null ? -1 : (System.nanoTime() - start) / 1_000_000;
    var response = context.httpResponse();
    String requestId =
        response
            .firstMatchingHeader("x-amzn-RequestId")
            .or(() -> response.firstMatchingHeader("x-amz-request-id"))
            .orElse("-");
    output.verbose(
        attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)
            + " "
            + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)
            + " "
            + response.statusCode()
            + " "
            + ms
            + "ms request-id "
            + requestId);
  }
}
